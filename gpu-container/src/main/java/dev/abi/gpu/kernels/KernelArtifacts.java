package dev.abi.gpu.kernels;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that the checked-in PTX matches its source and the Java side: the recorded source hash, the entry names,
 * and (where {@code ptxas} is installed) that {@code ptxas} accepts it. Each check returns the problems it found,
 * empty when there are none, so a build can report all of them at once.
 */
public final class KernelArtifacts {

    private static final Pattern ENTRY = Pattern.compile("^\\.visible \\.entry (\\w+)\\(", Pattern.MULTILINE);

    private KernelArtifacts() {}

    /** The {@code .visible .entry} names of a PTX text, in order. */
    public static Set<String> entries(String ptx) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Lowercase hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the PTX was built from this source: {@code recorded} is the {@code .sha256} file's text
     * ({@code <hex>  abi_kernels.cu}).
     */
    public static List<String> staleness(Path source, String recorded) {
        String want = recorded.strip().split("\\s+")[0];
        String have = sha256(source);
        if (have.equals(want)) {
            return List.of();
        }
        return List.of("the PTX is stale: it was built from source " + want + " but " + source + " is now " + have
                + "; run scripts/build-kernels and commit its outputs");
    }

    /** Names the Java side launches that the PTX lacks, and PTX entries the Java side does not know. */
    public static List<String> nameMismatches(String ptx, List<String> javaNames) {
        Set<String> inPtx = entries(ptx);
        List<String> problems = new ArrayList<>();
        for (String name : javaNames) {
            if (!inPtx.contains(name)) {
                problems.add("kernel '" + name + "' named in Kernels is not an entry of the PTX");
            }
        }
        for (String name : inPtx) {
            if (!javaNames.contains(name)) {
                problems.add("PTX entry '" + name + "' is not named in Kernels");
            }
        }
        return problems;
    }

    /**
     * Runs {@code ptxas -arch=<arch>} on the PTX file, output discarded.
     *
     * @return ptxas's complaints, empty when it accepts the file
     * @throws IllegalStateException when {@code ptxas} cannot be started
     */
    public static List<String> ptxasProblems(String ptxas, Path ptxFile, String arch) {
        try {
            Path log = Files.createTempFile("ptxas", ".log");
            try {
                Process p = new ProcessBuilder(ptxas, "-arch=" + arch, ptxFile.toString(), "-o", "/dev/null")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return List.of("ptxas did not finish within 120 s");
                }
                String out = Files.readString(log);
                return p.exitValue() == 0
                        ? List.of()
                        : List.of("ptxas -arch=" + arch + " rejects " + ptxFile + " (exit " + p.exitValue() + "): "
                                + out.strip());
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + ptxas + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running ptxas", e);
        }
    }

    /** The {@code ptxas} to use: {@code $PTXAS}, else the first on {@code PATH}; null when there is none. */
    public static String findPtxas() {
        String env = System.getenv("PTXAS");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ptxas"))) {
                return Path.of(dir, "ptxas").toString();
            }
        }
        return null;
    }
}
