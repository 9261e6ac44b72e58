package dev.abi.aws;

import dev.abi.functions.AbiConfig;
import dev.abi.functions.MetadataStoreFactory;
import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** {@code abi.metadata.kind=dynamodb}: leases, head hints and idempotency records in {@code abi.metadata.table}. */
@ApplicationScoped
public class DynamoDbMetadataStoreFactory implements MetadataStoreFactory {

    @Override
    public String kind() {
        return "dynamodb";
    }

    @Override
    public MetadataStore create(AbiConfig config, ObjectStore objects) {
        String table = config.metadata()
                .table()
                .orElseThrow(() -> new IllegalStateException("abi.metadata.kind=dynamodb needs abi.metadata.table"));
        DynamoDbClientBuilder b = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        config.metadata().endpoint().map(URI::create).ifPresent(b::endpointOverride);
        config.store().region().map(Region::of).ifPresent(b::region);
        DynamoDbMetadataStore store = new DynamoDbMetadataStore(b.build(), table, Clock.systemUTC());
        if (config.metadata().createTable()) {
            store.createTableIfMissing();
        }
        return store;
    }
}
