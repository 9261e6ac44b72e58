package dev.abi.functions;

import dev.abi.store.ObjectStore;

/**
 * Makes the {@link ObjectStore} for one {@code abi.store.kind}. Functions provides {@code local} and {@code memory};
 * each cloud adapter adds its own kind as another bean of this type.
 */
public interface ObjectStoreFactory {

    /** The value of {@code abi.store.kind} this factory serves. */
    String kind();

    /** The store that holds the deployment's state. */
    ObjectStore create(AbiConfig config);

    /** The store that holds a source bucket's objects, for event-triggered indexing. */
    ObjectStore forBucket(AbiConfig config, String bucket);
}
