package dev.abi.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.abi.testing.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Azurite (the Azure Storage emulator from npm), blob service only, in memory, as a child process on a free port.
 * The test installs it with npm on first use into {@code ~/.cache/abi-serverless/azurite-VERSION} and stops it with
 * {@code destroyForcibly}. Without Node.js on the PATH the tests that need it are skipped, saying so.
 */
final class AzuriteServer implements AutoCloseable {

    static final String VERSION = "3.35.0";
    static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's published development key (not a secret). */
    static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final int port;

    AzuriteServer() throws Exception {
        Path bin = install();
        port = ServerProcess.freePort();
        Path workspace = Files.createTempDirectory("azurite");
        process = new ProcessBuilder(List.of(
                        bin.toString(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        Integer.toString(port),
                        "--inMemoryPersistence",
                        "--skipApiVersionCheck",
                        "--silent"))
                .redirectErrorStream(true)
                .redirectOutput(workspace.resolve("azurite.log").toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("Azurite did not start; see " + workspace.resolve("azurite.log"));
                }
                Thread.sleep(50);
            }
        }
    }

    private static Path install() throws Exception {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "abi-serverless", "azurite-" + VERSION);
        Path bin = dir.resolve("node_modules/.bin/azurite-blob");
        if (Files.isExecutable(bin)) {
            return bin;
        }
        Assumptions.assumeTrue(
                onPath("npm") && onPath("node"),
                "Azurite tests skipped: Node.js and npm are not on the PATH (install Node.js 20+ to run them)");
        Files.createDirectories(dir);
        Path log = dir.resolve("npm-install.log");
        // npm's output goes to a file: surefire owns this JVM's stdout
        Process npm = new ProcessBuilder(
                        "npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), "azurite@" + VERSION)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (npm.waitFor() != 0 || !Files.isExecutable(bin)) {
            throw new IllegalStateException(
                    "npm install azurite@" + VERSION + " failed (exit " + npm.exitValue() + "); see " + log);
        }
        return bin;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    }

    /** The container through a client whose pipeline also runs {@code policy} (to count what came over). */
    BlobContainerClient container(String name, com.azure.core.http.policy.HttpPipelinePolicy policy) {
        return new BlobServiceClientBuilder()
                .connectionString(connectionString())
                .httpClient(new JdkHttpClientBuilder().build())
                .addPolicy(policy)
                .buildClient()
                .getBlobContainerClient(name);
    }

    BlobContainerClient container(String name) {
        BlobContainerClient c = new BlobServiceClientBuilder()
                .connectionString(connectionString())
                .httpClient(new JdkHttpClientBuilder().build())
                .buildClient()
                .getBlobContainerClient(name);
        c.createIfNotExists();
        return c;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
