package dev.abi.functions;

import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectStore;

/**
 * Makes the {@link MetadataStore} for one {@code abi.metadata.kind}. Functions provides {@code object-store}; the AWS
 * adapter adds {@code dynamodb}.
 */
public interface MetadataStoreFactory {

    /** The value of {@code abi.metadata.kind} this factory serves. */
    String kind();

    MetadataStore create(AbiConfig config, ObjectStore objects);
}
