package dev.abi.functions;

import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** {@code abi.metadata.kind=object-store}: leases and idempotency records beside the data. */
@ApplicationScoped
public class ObjectMetadataStoreFactory implements MetadataStoreFactory {

    @Override
    public String kind() {
        return "object-store";
    }

    @Override
    public MetadataStore create(AbiConfig config, ObjectStore objects) {
        return new ObjectMetadataStore(objects, Clock.systemUTC());
    }
}
