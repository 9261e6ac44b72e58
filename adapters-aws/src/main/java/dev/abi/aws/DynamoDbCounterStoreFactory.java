package dev.abi.aws;

import dev.abi.functions.AbiConfig;
import dev.abi.functions.CounterStoreFactory;
import dev.abi.gateway.ratelimit.CounterStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** {@code abi.rate-limit-counters=dynamodb}: counters shared by every instance, in {@code abi.metadata.table}. */
@ApplicationScoped
public class DynamoDbCounterStoreFactory implements CounterStoreFactory {

    @Override
    public String kind() {
        return "dynamodb";
    }

    @Override
    public CounterStore create(AbiConfig config) {
        String table = config.metadata()
                .table()
                .orElseThrow(
                        () -> new IllegalStateException("abi.rate-limit-counters=dynamodb needs abi.metadata.table"));
        DynamoDbClientBuilder b = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        config.metadata().endpoint().map(URI::create).ifPresent(b::endpointOverride);
        config.store().region().map(Region::of).ifPresent(b::region);
        return new DynamoDbCounterStore(b.build(), table, Clock.systemUTC());
    }
}
