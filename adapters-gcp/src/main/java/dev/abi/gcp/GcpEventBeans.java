package dev.abi.gcp;

import dev.abi.adapters.ObjectEventHandler;
import dev.abi.events.EventProcessor;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The canonical storage-event path, as a bean for the CloudEvents function. */
public class GcpEventBeans {

    @Produces
    @Singleton
    ObjectEventHandler objectEventHandler(EventProcessor processor) {
        return new ObjectEventHandler(processor);
    }
}
