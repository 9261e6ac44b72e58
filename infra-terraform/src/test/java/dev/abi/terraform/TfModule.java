package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One Terraform module folder as HCL parsed it: its {@code .tf} files, its {@code tests/*.tftest.hcl} files and its
 * {@code examples/<name>/} folders (each a module of its own). Blocks keep hcl2json's shape: attributes as JSON values,
 * expressions as {@code "${...}"} strings, nested blocks as arrays of objects.
 */
record TfModule(Path dir, List<Hcl.Parsed> files, List<Hcl.Parsed> tests, List<TfModule> examples) {

    /** A labelled block: {@code resource "aws_s3_bucket" "state"} is kind resource, type aws_s3_bucket, name state. */
    record Block(String kind, String type, String name, JsonNode body, Path file) {
        String address() {
            return switch (kind) {
                case "resource" -> type + "." + name;
                case "data" -> "data." + type + "." + name;
                default -> kind + "." + name;
            };
        }

        String where() {
            return file.getFileName() + ": " + address();
        }
    }

    static TfModule load(Hcl hcl, Path dir) {
        Path tests = dir.resolve("tests");
        Path examples = dir.resolve("examples");
        List<TfModule> exampleModules = new ArrayList<>();
        for (Path e : list(examples)) {
            if (Files.isDirectory(e)) {
                exampleModules.add(load(hcl, e));
            }
        }
        return new TfModule(
                dir,
                list(dir).stream()
                        .filter(p -> p.toString().endsWith(".tf"))
                        .map(hcl::parse)
                        .toList(),
                list(tests).stream()
                        .filter(p -> p.toString().endsWith(".tftest.hcl"))
                        .map(hcl::parse)
                        .toList(),
                exampleModules);
    }

    String name() {
        return dir.getFileName().toString();
    }

    /** Every block of the kind in the .tf files: resource and data have a type and a name, the others a name. */
    List<Block> blocks(String kind) {
        return blocks(files, kind);
    }

    static List<Block> blocks(List<Hcl.Parsed> parsed, String kind) {
        List<Block> result = new ArrayList<>();
        for (Hcl.Parsed p : parsed) {
            if (p.body() == null) {
                continue;
            }
            JsonNode top = p.body().path(kind);
            boolean typed = kind.equals("resource") || kind.equals("data");
            top.fields().forEachRemaining(first -> {
                if (typed) {
                    first.getValue()
                            .fields()
                            .forEachRemaining(second -> second.getValue()
                                    .forEach(body -> result.add(
                                            new Block(kind, first.getKey(), second.getKey(), body, p.path()))));
                } else {
                    first.getValue().forEach(body -> result.add(new Block(kind, null, first.getKey(), body, p.path())));
                }
            });
        }
        return result;
    }

    Optional<Block> resource(String type, String name) {
        return blocks("resource").stream()
                .filter(b -> b.type().equals(type) && b.name().equals(name))
                .findFirst();
    }

    /** All locals of the module, by name (hcl2json gives each locals block as an object). */
    Map<String, JsonNode> locals() {
        Map<String, JsonNode> locals = new LinkedHashMap<>();
        for (Hcl.Parsed p : files) {
            if (p.body() != null) {
                p.body()
                        .path("locals")
                        .forEach(block -> block.fields().forEachRemaining(e -> locals.put(e.getKey(), e.getValue())));
            }
        }
        return locals;
    }

    /** required_providers entries by local name: {"aws": {"source": "hashicorp/aws", "version": "..."}}. */
    Map<String, JsonNode> requiredProviders() {
        Map<String, JsonNode> providers = new LinkedHashMap<>();
        for (Hcl.Parsed p : files) {
            if (p.body() != null) {
                p.body()
                        .path("terraform")
                        .forEach(t -> t.path("required_providers")
                                .forEach(rp ->
                                        rp.fields().forEachRemaining(e -> providers.put(e.getKey(), e.getValue()))));
            }
        }
        return providers;
    }

    /** The value of a variable's default, or of a local, when the expression is exactly var.x or local.x. */
    Optional<JsonNode> resolve(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return Optional.empty();
        }
        if (value.isTextual()) {
            String s = value.asText();
            if (s.matches("\\$\\{var\\.[a-z0-9_]+}")) {
                String name = s.substring(6, s.length() - 1);
                return blocks("variable").stream()
                        .filter(b -> b.name().equals(name))
                        .findFirst()
                        .map(b -> b.body().get("default"))
                        .flatMap(this::resolve);
            }
            if (s.matches("\\$\\{local\\.[a-z0-9_]+}")) {
                return Optional.ofNullable(locals().get(s.substring(8, s.length() - 1)))
                        .flatMap(this::resolve);
            }
        }
        return Optional.of(value);
    }

    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
