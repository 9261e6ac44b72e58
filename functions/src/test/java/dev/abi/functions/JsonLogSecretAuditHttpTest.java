package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.SecretScan;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.stream.Stream;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The secret audit of issue 15 through the JSON log format ({@code abi.log.format=json}): requests carrying the
 * bootstrap key, a new API key and a wrong key in {@code Authorization: Bearer}, one of them ending in a 500-class
 * failure (a model file that cannot be read), leave none of the three in any JSON log line as the console writes it
 * (message, MDC, stack trace) nor in any file under the data directory (API keys, idempotency records).
 */
@QuarkusTest
@TestProfile(JsonLogSecretAuditHttpTest.JsonLogsWithAuth.class)
class JsonLogSecretAuditHttpTest {

    static final String BOOT = "json-audit-bootstrap-key-0123456789abcdef";
    /** A key of the right shape that was never issued, as a caller with a stale or mistyped key sends. */
    static final String WRONG = "abi_0123456789ab_WrongSecretWrongSecretWrongSecretWrong0123";

    private static final Path DATA;
    private static final Path MODELS;

    static {
        try {
            // under target/, so that a clean removes them
            Path target = Files.createDirectories(Path.of("target"));
            DATA = Files.createTempDirectory(target, "secret-audit-data-").toAbsolutePath();
            MODELS = Files.createTempDirectory(target, "secret-audit-models-").toAbsolutePath();
            // a file named like a model that is none: using it fails with a 500 (model-unusable)
            Files.write(MODELS.resolve("broken.gguf"), "GGUF-not-really-a-model".getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON logs, authentication on, a data directory of its own and a broken model. */
    public static class JsonLogsWithAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "abi.log.format",
                    "json",
                    "abi.auth.enabled",
                    "true",
                    "abi.auth.bootstrap-key",
                    BOOT,
                    "abi.data-dir",
                    DATA.toString(),
                    "abi.models-dir",
                    "../../shared/models/stories260K,../../shared/models/all-MiniLM-L6-v2," + MODELS);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void closeClient() {
        http.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String bearer, String idempotencyKey)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noCredentialReachesAJsonLogLineOrAFileWhenRequestsFail() throws Exception {
        Formatter console = JsonLogHttpTest.consoleFormatter(
                LogContext.getLogContext().getLogger("").getHandlers());
        assertNotNull(console, "a console handler");
        assertTrue(
                console.getClass().getName().toLowerCase().contains("json"),
                console.getClass().getName());
        JsonLogHttpTest.Recorder capture = new JsonLogHttpTest.Recorder();
        List<ExtLogRecord> records = capture.records;
        org.jboss.logmanager.Logger root = LogContext.getLogContext().getLogger("");
        root.addHandler(capture);
        String key;
        HttpResponse<String> failed;
        try {
            HttpResponse<String> created = send(
                    "POST",
                    "/v1/admin/keys",
                    "{\"name\":\"audit\",\"grants\":[\"write:*\",\"read:*\"]}",
                    BOOT,
                    "audit-key-1");
            assertEquals(201, created.statusCode(), created.body());
            key = JSON.readTree(created.body()).get("key").asText();

            failed = send(
                    "POST",
                    "/v1/chat/completions",
                    "{\"model\":\"broken\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}",
                    key,
                    null);
            assertTrue(failed.statusCode() >= 500, failed.statusCode() + " " + failed.body());

            HttpResponse<String> bad =
                    send("POST", "/v1/namespaces/audit/vectors", "{\"vectors\":[{\"id\":\"a\"}]}", key, "bad-1");
            assertEquals(400, bad.statusCode(), bad.body());
            HttpResponse<String> missing =
                    send("POST", "/indexObject", "{\"bucket\":\"b\",\"key\":\"docs/none.md\"}", BOOT, "index-1");
            assertEquals(400, missing.statusCode(), missing.body());
            HttpResponse<String> wrong = send("GET", "/v1/namespaces", null, WRONG, null);
            assertEquals(401, wrong.statusCode(), wrong.body());
            HttpResponse<String> ok = send(
                    "POST",
                    "/v1/namespaces/audit/vectors",
                    "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}",
                    key,
                    "good-1");
            assertEquals(200, ok.statusCode(), ok.body());
        } finally {
            root.removeHandler(capture);
        }
        List<String> credentials = List.of(BOOT, WRONG, key, SecretScan.apiKeySecret(key));

        String failedId = failed.headers().firstValue("X-Request-Id").orElseThrow();
        int lines = 0;
        boolean sawTheFailure = false;
        synchronized (records) {
            for (ExtLogRecord record : records) {
                String line = console.format(record);
                JSON.readTree(line); // each is one JSON object
                lines++;
                sawTheFailure |= line.contains(failedId) && line.contains("\"status\\\":5");
                for (String c : credentials) {
                    assertFalse(SecretScan.contains(line, c), "a JSON log line holds a credential: " + line);
                }
            }
        }
        assertTrue(lines >= 6, "the requests were logged, so the scan means something: " + lines);
        assertTrue(sawTheFailure, "the 500-class request is among the lines scanned");

        List<Path> files;
        try (Stream<Path> walk = Files.walk(DATA)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(
                files.stream().anyMatch(f -> f.toString().contains("idempotency")),
                "the idempotent requests were recorded: " + files);
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            for (String c : credentials) {
                assertFalse(SecretScan.contains(bytes, c), f + " holds a credential");
            }
        }
    }
}
