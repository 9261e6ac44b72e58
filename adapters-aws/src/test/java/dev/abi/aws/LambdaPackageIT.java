package dev.abi.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code target/function.zip} as the managed Java runtime would, in its own JVM, with the {@code Handler} and the
 * environment of {@code deploy/template.yaml}, against S3Proxy: API Gateway events in, proxy replies out, state in S3;
 * then an S3 notification for a file of vectors, delivered twice (indexed once, remembered in DynamoDB Local).
 */
class LambdaPackageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TEMPLATE = Path.of("deploy", "template.yaml");
    private static final Path EVENTS = Path.of("src", "test", "resources", "events", "aws", "apigw-http-v2");
    private static final Path IRIS_EVENT = Path.of("src", "test", "resources", "events", "aws", "s3", "iris-put.json");

    @TempDir
    Path task;

    @Test
    void packagedFunctionAnswersWithTheTemplateEnvironment() throws Exception {
        unzip(Path.of("target", "function.zip"), task);
        String template = Files.readString(TEMPLATE);
        Matcher handler = Pattern.compile("Handler:\\s*(\\S+)").matcher(template);
        assertTrue(handler.find(), "template names no Handler");
        String toolOptions = ServerProcess.javaToolOptions(TEMPLATE);

        try (S3ProxyServer s3 = new S3ProxyServer("abi-lambda-it");
                DynamoDbLocalServer dynamo = new DynamoDbLocalServer()) {
            List<String> command = List.of(
                    ServerProcess.javaLauncher(),
                    "-cp",
                    task + ":" + task.resolve("lib") + "/*:"
                            + Path.of("target", "test-classes").toAbsolutePath(),
                    LambdaRuntimeShim.class.getName(),
                    handler.group(1),
                    EVENTS.resolve("health.json").toString(),
                    EVENTS.resolve("upsert.json").toString(),
                    EVENTS.resolve("query.json").toString(),
                    EVENTS.resolve("history-versions.json").toString(),
                    IRIS_EVENT.toString(),
                    IRIS_EVENT.toString());
            s3.client().createBucket(b -> b.bucket("abi-lambda-src"));
            s3.client()
                    .putObject(
                            b -> b.bucket("abi-lambda-src").key("iris/iris.jsonl"),
                            software.amazon.awssdk.core.sync.RequestBody.fromFile(
                                    Path.of("..", "samples", "corpus", "iris", "iris.jsonl")));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectError(task.resolveSibling("lambda.log").toFile());
            builder.environment().put("JAVA_TOOL_OPTIONS", toolOptions);
            builder.environment().put("ABI_STORE_KIND", "s3");
            builder.environment().put("ABI_STORE_BUCKET", "abi-lambda-it");
            builder.environment().put("ABI_STORE_ENDPOINT", s3.endpoint().toString());
            builder.environment().put("ABI_STORE_REGION", "us-east-1");
            builder.environment().put("AWS_REGION", "us-east-1");
            builder.environment().put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
            builder.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
            // leases, head hints and idempotency records in DynamoDB, as the template configures them
            builder.environment().put("ABI_METADATA_KIND", "dynamodb");
            builder.environment().put("ABI_METADATA_TABLE", "abi-metadata-it");
            builder.environment().put("ABI_METADATA_ENDPOINT", dynamo.endpoint().toString());
            builder.environment().put("ABI_METADATA_CREATE_TABLE", "true");
            // the packaging has auth on; the fixtures carry this key
            builder.environment().put("ABI_AUTH_BOOTSTRAP_KEY", "test-bootstrap-key-0123456789abcdef");
            Process process = builder.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "function JVM did not exit");
            List<JsonNode> replies = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (line.startsWith("REPLY ")) {
                    replies.add(JSON.readTree(
                            Base64.getDecoder().decode(line.substring(6).trim())));
                }
            }
            assertEquals(
                    6,
                    replies.size(),
                    "exit " + process.exitValue() + ", stdout:\n" + stdout + "\nlog:\n"
                            + Files.readString(task.resolveSibling("lambda.log")));

            JsonNode health = replies.get(0);
            assertEquals(200, health.get("statusCode").asInt(), health.toString());
            assertTrue(
                    health.get("body").asText().contains("panama"),
                    "the template's JAVA_TOOL_OPTIONS must enable the Vector API: " + health);

            assertEquals(
                    200,
                    replies.get(1).get("statusCode").asInt(),
                    replies.get(1).toString());
            JsonNode query = JSON.readTree(replies.get(2).get("body").asText());
            assertEquals("c", query.get("matches").get(0).get("id").asText(), query.toString());

            assertTrue(
                    s3.client()
                                    .listObjectsV2(
                                            b -> b.bucket("abi-lambda-it").prefix("ns/lambda-docs/"))
                                    .keyCount()
                            >= 2,
                    "the acknowledged upsert must be in S3");
            assertEquals(404, replies.get(3).get("statusCode").asInt(), "versions of a namespace never created");
            JsonNode indexed = replies.get(4).get("results").get(0);
            assertEquals(
                    "INDEXED", indexed.get("outcome").asText(), replies.get(4).toString());
            assertEquals(150, indexed.get("vectors").asInt(), "an S3 notification indexes the file through the zip");
            assertEquals(
                    "ALREADY_INDEXED",
                    replies.get(5).get("results").get(0).get("outcome").asText(),
                    "the redelivery is recognised through DynamoDB: " + replies.get(5));
            var items =
                    dynamo.client().scan(b -> b.tableName("abi-metadata-it")).items();
            assertTrue(
                    items.stream().anyMatch(i -> i.get("pk").s().startsWith("head#ns/lambda-docs/")),
                    "the function advanced its head hint in DynamoDB: " + items);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
    }
}
