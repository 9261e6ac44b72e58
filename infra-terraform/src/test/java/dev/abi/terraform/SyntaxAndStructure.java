package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Checks 1 and 2: every file parses and is formatted; each module has the expected files, types, docs and pins. */
final class SyntaxAndStructure {

    static final List<String> REQUIRED_FILES =
            List.of("versions.tf", "variables.tf", "outputs.tf", "locals.tf", "README.md");

    private SyntaxAndStructure() {}

    /** Parse errors (file:line:col from HCL) and files that hclwrite would change, in the module and its parts. */
    static List<String> syntax(TfModule m) {
        List<String> problems = new ArrayList<>();
        List<Hcl.Parsed> all = new ArrayList<>(m.files());
        all.addAll(m.tests());
        m.examples().forEach(e -> all.addAll(e.files()));
        for (Hcl.Parsed p : all) {
            if (p.error() != null) {
                problems.add("does not parse: " + p.error());
            } else if (!p.formatted()) {
                problems.add(
                        p.path() + ": not formatted (hclwrite, the formatter behind terraform fmt, would change it)");
            }
        }
        return problems;
    }

    static List<String> structure(TfModule m) {
        List<String> problems = new ArrayList<>();
        for (String f : REQUIRED_FILES) {
            if (!Files.isRegularFile(m.dir().resolve(f))) {
                problems.add(m.name() + ": missing " + f);
            }
        }
        if (m.tests().isEmpty()) {
            problems.add(m.name() + ": no tests/*.tftest.hcl");
        }
        if (m.examples().isEmpty()) {
            problems.add(m.name() + ": no examples/<name>/");
        }
        for (TfModule e : m.examples()) {
            for (String f : List.of("main.tf", "README.md")) {
                if (!Files.isRegularFile(e.dir().resolve(f))) {
                    problems.add(m.name() + "/examples/" + e.name() + ": missing " + f);
                }
            }
            problems.addAll(moduleCalls(e));
        }
        for (TfModule.Block v : m.blocks("variable")) {
            if (!v.body().has("type")) {
                problems.add(v.where() + " has no type");
            }
            if (v.body().path("description").asText().isBlank()) {
                problems.add(v.where() + " has no description");
            }
        }
        for (TfModule.Block o : m.blocks("output")) {
            if (o.body().path("description").asText().isBlank()) {
                problems.add(o.where() + " has no description");
            }
        }
        problems.addAll(pins(m));
        problems.addAll(readmeTables(m));
        return problems;
    }

    /** required_version >= 1.7 and every provider with a source and a version range; every used provider declared. */
    static List<String> pins(TfModule m) {
        List<String> problems = new ArrayList<>();
        boolean versionPinned = false;
        for (Hcl.Parsed p : m.files()) {
            if (p.body() != null) {
                for (JsonNode t : p.body().path("terraform")) {
                    versionPinned |= t.path("required_version").asText().equals(">= 1.7");
                }
            }
        }
        if (!versionPinned) {
            problems.add(m.name() + ": terraform { required_version = \">= 1.7\" } is missing");
        }
        var providers = m.requiredProviders();
        providers.forEach((name, spec) -> {
            if (spec.path("source").asText().isBlank()
                    || !spec.path("version").asText().matches(".*\\d.*")) {
                problems.add(m.name() + ": provider " + name + " needs a source and a pinned version range");
            }
        });
        Set<String> used = new TreeSet<>();
        for (String kind : List.of("resource", "data")) {
            m.blocks(kind).forEach(b -> used.add(b.type().substring(0, b.type().indexOf('_'))));
        }
        used.remove("terraform"); // terraform_data is built in
        for (String u : used) {
            if (!providers.containsKey(u)) {
                problems.add(m.name() + ": resources of provider " + u + " but no required_providers entry for it");
            }
        }
        return problems;
    }

    /** An example's module blocks: the source folder exists and every argument is a variable of that module. */
    static List<String> moduleCalls(TfModule example) {
        List<String> problems = new ArrayList<>();
        for (TfModule.Block call : example.blocks("module")) {
            String source = call.body().path("source").asText();
            Path target = example.dir().resolve(source).normalize();
            if (!source.startsWith(".") || !Files.isDirectory(target)) {
                problems.add(call.where() + ": source " + source + " is not a module folder by relative path");
                continue;
            }
            Set<String> variables = new TreeSet<>();
            Set<String> required = new TreeSet<>();
            for (Path f : TfModule.list(target)) {
                if (f.toString().endsWith(".tf")) {
                    Hcl.Parsed p = Hcl.get().parse(f);
                    if (p.body() != null) {
                        p.body().path("variable").fields().forEachRemaining(e -> {
                            variables.add(e.getKey());
                            if (!e.getValue().get(0).has("default")) {
                                required.add(e.getKey());
                            }
                        });
                    }
                }
            }
            Set<String> meta = Set.of("source", "version", "providers", "count", "for_each", "depends_on");
            call.body().fieldNames().forEachRemaining(arg -> {
                if (!meta.contains(arg) && !variables.contains(arg)) {
                    problems.add(call.where() + ": " + arg + " is not a variable of " + source);
                }
            });
            for (String r : required) {
                if (!call.body().has(r)) {
                    problems.add(call.where() + ": required variable " + r + " of " + source + " is not set");
                }
            }
        }
        return problems;
    }

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z0-9_]+)`\\s*\\|");

    /** The README's "## Inputs" and "## Outputs" tables name exactly the module's variables and outputs. */
    static List<String> readmeTables(TfModule m) {
        Path readme = m.dir().resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        compare(
                problems,
                m.name() + "/README.md ## Inputs",
                tableNames(lines, "## Inputs"),
                names(m.blocks("variable")));
        compare(
                problems,
                m.name() + "/README.md ## Outputs",
                tableNames(lines, "## Outputs"),
                names(m.blocks("output")));
        return problems;
    }

    private static Set<String> names(List<TfModule.Block> blocks) {
        Set<String> names = new TreeSet<>();
        blocks.forEach(b -> names.add(b.name()));
        return names;
    }

    private static Set<String> tableNames(List<String> lines, String heading) {
        Set<String> names = new TreeSet<>();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                in = line.trim().equals(heading);
            } else if (in) {
                Matcher row = ROW.matcher(line);
                if (row.find()) {
                    names.add(row.group(1));
                }
            }
        }
        return names;
    }

    private static void compare(List<String> problems, String table, Set<String> listed, Set<String> declared) {
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(listed);
        Set<String> extra = new TreeSet<>(listed);
        extra.removeAll(declared);
        if (!missing.isEmpty()) {
            problems.add(table + " lacks " + missing);
        }
        if (!extra.isEmpty()) {
            problems.add(table + " lists what the module does not declare: " + extra);
        }
    }

    /** The module folders under infra-terraform/: every folder that holds a versions.tf or any .tf file. */
    static List<Path> modules(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory)
                    .filter(d ->
                            TfModule.list(d).stream().anyMatch(f -> f.toString().endsWith(".tf")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
