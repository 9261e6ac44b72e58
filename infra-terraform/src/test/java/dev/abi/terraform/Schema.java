package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Check 3: resource and data source types, argument and block names, and required arguments, against the pinned
 * providers' schemas. The schemas are derived from the provider packages' .jsii type data by
 * {@code tools/provider-schema.mjs} into {@code src/test/resources/schema/<provider>.json.gz}.
 */
final class Schema {

    /** The provider package each schema file was derived from, and the provider release it describes. */
    record Pin(String file, String pkg, String packageVersion, String source, String providerVersion) {}

    static final List<Pin> PINS = List.of(
            new Pin("aws", "@cdktn/provider-aws", "25.7.0", "hashicorp/aws", "6.66.0"),
            new Pin("azurerm", "@cdktn/provider-azurerm", "16.1.0", "hashicorp/azurerm", "4.73.0"),
            new Pin("google", "@cdktf/provider-google", "16.12.1", "hashicorp/google", "6.50.0"));

    /** Terraform's own meta-arguments, valid in every resource and data block. */
    private static final Set<String> META =
            Set.of("count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection");

    private static final Map<String, JsonNode> LOADED = new HashMap<>();

    private Schema() {}

    static synchronized JsonNode load(String provider) {
        return LOADED.computeIfAbsent(provider, p -> {
            try (InputStream in = Schema.class.getResourceAsStream("/schema/" + p + ".json.gz")) {
                return in == null ? null : new ObjectMapper().readTree(new GZIPInputStream(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The module's version range of each pinned provider admits the release the schema file describes. */
    static List<String> rangeAdmitsPin(TfModule m) {
        List<String> problems = new ArrayList<>();
        m.requiredProviders()
                .forEach((name, spec) -> PINS.stream()
                        .filter(p -> p.source().equals(spec.path("source").asText()))
                        .forEach(p -> {
                            String range = spec.path("version").asText();
                            String[] want = p.providerVersion().split("\\.");
                            boolean admits = range.matches("~> " + want[0] + "\\.\\d+(\\.\\d+)?")
                                    && Integer.parseInt(range.replaceAll("~> \\d+\\.(\\d+).*", "$1"))
                                            <= Integer.parseInt(want[1]);
                            if (!admits) {
                                problems.add(m.name() + ": provider " + name + " version \"" + range
                                        + "\" does not admit "
                                        + p.providerVersion() + " (the release the schema check knows); use \"~> "
                                        + want[0] + "." + want[1] + "\"");
                            }
                        }));
        return problems;
    }

    static List<String> check(TfModule m) {
        List<String> problems = rangeAdmitsPin(m);
        List<TfModule> all = new ArrayList<>(List.of(m));
        all.addAll(m.examples());
        for (TfModule module : all) {
            for (String kind : List.of("resource", "data")) {
                for (TfModule.Block b : module.blocks(kind)) {
                    String provider = b.type().substring(0, b.type().indexOf('_'));
                    if (provider.equals("terraform")) {
                        continue;
                    }
                    JsonNode schema = load(provider);
                    if (schema == null) {
                        problems.add(
                                b.where() + ": no schema for provider " + provider + " (pinned: aws, azurerm, google)");
                        continue;
                    }
                    JsonNode block = schema.path(kind).get(b.type());
                    if (block == null) {
                        problems.add(b.where() + ": " + b.type() + " is not a "
                                + (kind.equals("data") ? "data source" : "resource") + " type of "
                                + schema.path("provider").asText() + " "
                                + schema.path("providerVersion").asText());
                        continue;
                    }
                    body(problems, b.where(), block, b.body(), true);
                }
            }
        }
        return problems;
    }

    private static void body(List<String> problems, String where, JsonNode schema, JsonNode body, boolean top) {
        JsonNode args = schema.path("a");
        JsonNode blocks = schema.path("b");
        body.fields().forEachRemaining(e -> {
            String name = e.getKey();
            if (top && META.contains(name)) {
                return;
            }
            if (name.equals("dynamic")) {
                e.getValue().fields().forEachRemaining(d -> {
                    JsonNode nested = blocks.get(d.getKey());
                    if (nested == null) {
                        problems.add(where + ": dynamic \"" + d.getKey() + "\" is not a block here");
                    } else {
                        for (JsonNode dyn : d.getValue()) {
                            for (JsonNode content : dyn.path("content")) {
                                body(problems, where + "." + d.getKey(), nested.get(1), content, false);
                            }
                        }
                    }
                });
                return;
            }
            if (args.has(name)) {
                return;
            }
            JsonNode nested = blocks.get(name);
            if (nested == null) {
                problems.add(where + ": unknown argument or block \"" + name + "\"");
            } else if (e.getValue().isArray()) {
                for (JsonNode element : e.getValue()) {
                    if (element.isObject()) {
                        body(problems, where + "." + name, nested.get(1), element, false);
                    }
                }
            } else if (e.getValue().isObject()) {
                body(problems, where + "." + name, nested.get(1), e.getValue(), false);
            }
        });
        args.fields().forEachRemaining(a -> {
            if (a.getValue().asInt() == 1 && !body.has(a.getKey())) {
                problems.add(where + ": required argument \"" + a.getKey() + "\" is missing");
            }
        });
        blocks.fields().forEachRemaining(b -> {
            boolean dynamic = body.path("dynamic").has(b.getKey());
            if (b.getValue().get(0).asInt() == 1 && !body.has(b.getKey()) && !dynamic) {
                problems.add(where + ": required block \"" + b.getKey() + "\" is missing");
            }
        });
    }
}
