package dev.abi.aws;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.abi.testing.ServerProcess;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB Local 2.6.1, in memory, in this JVM on a free port; one database for every access key (-sharedDb). */
final class DynamoDbLocalServer implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final int port;

    DynamoDbLocalServer() throws Exception {
        port = ServerProcess.freePort();
        server = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
