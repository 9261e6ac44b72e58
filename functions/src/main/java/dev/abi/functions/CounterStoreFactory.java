package dev.abi.functions;

import dev.abi.gateway.ratelimit.CounterStore;

/** Makes the rate-limit {@link CounterStore} named by {@code abi.rate-limit-counters}; adapters add cloud kinds. */
public interface CounterStoreFactory {

    String kind();

    CounterStore create(AbiConfig config);
}
