package dev.abi.events;

import dev.abi.namespace.NamespaceLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which namespace an object's documents go to, from its bucket and key.
 *
 * <p>A mapping is a comma-separated list of rules {@code <bucket>[/<prefix>]=<namespace>}. The bucket may be
 * {@code *} (any bucket). The namespace may be {@code {folder}}: the first folder of the key after the prefix. The
 * most specific rule wins: a named bucket before {@code *}, then the longest prefix. The default,
 * {@code *={folder}}, puts {@code docs/a.md} of any bucket into namespace {@code docs}.
 *
 * <p>Examples: {@code uploads/handbook/=handbook} (only that prefix of bucket {@code uploads}),
 * {@code reports=reports,*={folder}}.
 */
public final class NamespaceMapping {

    /** The folder placeholder. */
    public static final String FOLDER = "{folder}";

    /** One rule; {@code bucket} is {@code *} for any, {@code prefix} may be empty. */
    public record Rule(String bucket, String prefix, String namespace) {}

    /**
     * Where an object goes.
     *
     * @param documentPath the key after the rule's prefix (and after the folder, for {@code {folder}}): the name its
     *     documents are known by
     */
    public record Target(String namespace, String documentPath) {}

    private final List<Rule> rules;

    private NamespaceMapping(List<Rule> rules) {
        this.rules = rules.stream()
                .sorted(Comparator.comparing((Rule r) -> r.bucket().equals("*"))
                        .thenComparing(r -> -r.prefix().length()))
                .toList();
    }

    /** {@code *={folder}}. */
    public static NamespaceMapping byFolder() {
        return parse("*=" + FOLDER);
    }

    /**
     * Reads a mapping.
     *
     * @throws IllegalArgumentException naming the rule that is malformed
     */
    public static NamespaceMapping parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("a namespace mapping needs at least one rule, e.g. *=" + FOLDER);
        }
        List<Rule> rules = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String rule = raw.trim();
            int eq = rule.lastIndexOf('=');
            if (eq <= 0 || eq == rule.length() - 1) {
                throw new IllegalArgumentException("namespace mapping rule '" + rule
                        + "' must read <bucket>[/<prefix>]=<namespace or " + FOLDER + ">");
            }
            String where = rule.substring(0, eq).trim();
            String namespace = rule.substring(eq + 1).trim();
            if (!namespace.equals(FOLDER)
                    && !NamespaceLimits.NAMESPACE_NAME.matcher(namespace).matches()) {
                throw new IllegalArgumentException(
                        "namespace mapping rule '" + rule + "': '" + namespace + "' is not a valid namespace name");
            }
            int slash = where.indexOf('/');
            String bucket = slash < 0 ? where : where.substring(0, slash);
            String prefix = slash < 0 ? "" : where.substring(slash + 1);
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException(
                        "namespace mapping rule '" + rule + "' names no bucket (use * for any)");
            }
            rules.add(new Rule(bucket, prefix, namespace));
        }
        return new NamespaceMapping(rules);
    }

    /** The namespace for this object, or empty when no rule takes it. */
    public Optional<Target> map(String bucket, String key) {
        for (Rule r : rules) {
            if (!(r.bucket().equals("*") || r.bucket().equals(bucket)) || !key.startsWith(r.prefix())) {
                continue;
            }
            String rest = key.substring(r.prefix().length());
            if (!r.namespace().equals(FOLDER)) {
                return rest.isEmpty() ? Optional.empty() : Optional.of(new Target(r.namespace(), rest));
            }
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                continue;
            }
            String folder = rest.substring(0, slash);
            if (NamespaceLimits.NAMESPACE_NAME.matcher(folder).matches()) {
                return Optional.of(new Target(folder, rest.substring(slash + 1)));
            }
        }
        return Optional.empty();
    }

    public List<Rule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return String.join(
                ",",
                rules.stream()
                        .map(r -> r.bucket() + (r.prefix().isEmpty() ? "" : "/" + r.prefix()) + "=" + r.namespace())
                        .toList());
    }
}
