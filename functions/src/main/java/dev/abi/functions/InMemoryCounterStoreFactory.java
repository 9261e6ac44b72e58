package dev.abi.functions;

import dev.abi.gateway.ratelimit.CounterStore;
import dev.abi.gateway.ratelimit.InMemoryCounterStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** {@code abi.rate-limit-counters=memory}: counters in this instance only (the local server). */
@ApplicationScoped
public class InMemoryCounterStoreFactory implements CounterStoreFactory {

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public CounterStore create(AbiConfig config) {
        return new InMemoryCounterStore(Clock.systemUTC());
    }
}
