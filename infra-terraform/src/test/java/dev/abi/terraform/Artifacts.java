package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What a built function package holds, read from the package itself: its class names (also those inside the jars of
 * its lib/ folder), the {@code ABI_*} names its own classes read with {@code System.getenv} or as
 * {@code @ConfigProperty(name = "abi.…")} (constant strings in their constant pools), and, for the Azure app zip,
 * each function's generated function.json. The GCP and Azure packages are the zips that Terraform deploys.
 */
final class Artifacts {

    /** Where each package lies, relative to the repository root, and the Maven command that builds it. */
    enum Kind {
        AWS("adapters-aws/target/function.zip", "adapters-aws"),
        /** The zip Cloud Functions deploys (the uber jar at its root), made by adapters-gcp's package phase. */
        GCP("adapters-gcp/target/function-source.zip", "adapters-gcp"),
        /** The run-from-package zip of the staged app folder, made by adapters-azure's package phase. */
        AZURE("adapters-azure/target/app-package.zip", "adapters-azure"),
        /**
         * The GPU service's own classes: the application jar of gpu-container's Quarkus app (what the image's
         * Dockerfile.jvm copies). Its lib/ jars are left out: core reads no environment variable (its abi.* strings
         * are metric names and system properties), and Quarkus's own settings are not ABI_* names.
         */
        GPU("gpu-container/target/quarkus-app/app", "gpu-container");

        final String path;
        final String module;

        Kind(String path, String module) {
            this.path = path;
            this.module = module;
        }
    }

    record Contents(Set<String> classes, Set<String> abiNames, Map<String, JsonNode> functionJson, String problem) {}

    private static final Map<Kind, Contents> CACHE = new HashMap<>();

    private Artifacts() {}

    static synchronized Contents of(Path repo, Kind kind) {
        return CACHE.computeIfAbsent(kind, k -> read(repo.resolve(k.path), k));
    }

    private static Contents read(Path path, Kind kind) {
        Set<String> classes = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        Map<String, JsonNode> functions = new HashMap<>();
        String missing = path + " is missing: build it first (./mvnw -pl " + kind.module + " -am package)";
        try {
            switch (kind) {
                case AWS, GCP, AZURE -> {
                    if (!Files.isRegularFile(path)) {
                        return new Contents(classes, names, functions, missing);
                    }
                    try (InputStream in = Files.newInputStream(path)) {
                        zip(in, classes, names, functions);
                    }
                }
                case GPU -> {
                    Path jar = jarIn(path);
                    if (jar == null) {
                        return new Contents(classes, names, functions, missing);
                    }
                    try (InputStream in = Files.newInputStream(jar)) {
                        zip(in, classes, names, null);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Contents(classes, names, functions, null);
    }

    private static Path jarIn(Path dir) {
        return TfModule.list(dir).stream()
                .filter(p -> p.toString().endsWith(".jar"))
                .findFirst()
                .orElse(null);
    }

    /**
     * Class names of a zip or jar and of the jars nested in it; ABI_* constants of our own (dev/abi/) classes; and,
     * when {@code functions} is given, each {@code <function>/function.json} at the zip's root (an Azure app).
     */
    private static void zip(InputStream in, Set<String> classes, Set<String> names, Map<String, JsonNode> functions)
            throws IOException {
        ZipInputStream z = new ZipInputStream(in);
        for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
            String n = e.getName();
            if (functions != null && n.matches("[^/]+/function\\.json")) {
                functions.put(n.substring(0, n.indexOf('/')), new ObjectMapper().readTree(z.readAllBytes()));
            } else if (n.endsWith(".jar")) {
                zip(new ByteArrayInputStream(z.readAllBytes()), classes, names, null);
            } else if (n.endsWith(".class")) {
                String cls = n.substring(0, n.length() - 6).replace('/', '.');
                classes.add(cls);
                if (cls.startsWith("dev.abi.")) {
                    abiConstants(z.readAllBytes(), names);
                }
            }
        }
    }

    /**
     * The UTF-8 constants of a class file that are exactly an ABI_* name: the bytes "ABI_" preceded by the constant's
     * tag (1) and a length that covers exactly the name (so "%ABI_X%/{name}" in an annotation does not count).
     */
    static void abiConstants(byte[] bytes, Set<String> names) {
        constants(bytes, "ABI_", "ABI_[A-Z0-9_]+", names, false);
        // @ConfigProperty(name = "abi.priming.on-start") and the like: read as ABI_PRIMING_ON_START from the
        // environment
        constants(bytes, "abi.", "abi\\.[a-z0-9]+([.-][a-z0-9]+)+", names, true);
    }

    private static void constants(byte[] bytes, String prefix, String pattern, Set<String> names, boolean property) {
        byte[] marker = prefix.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 3; i + marker.length <= bytes.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (bytes[i + j] != marker[j]) {
                    continue outer;
                }
            }
            int len = ((bytes[i - 2] & 0xff) << 8) | (bytes[i - 1] & 0xff);
            if (bytes[i - 3] != 1 || i + len > bytes.length) {
                continue;
            }
            String s = new String(bytes, i, len, StandardCharsets.US_ASCII);
            if (s.matches(pattern)) {
                names.add(property ? s.replace('.', '_').replace('-', '_').toUpperCase() : s);
            }
        }
    }
}
