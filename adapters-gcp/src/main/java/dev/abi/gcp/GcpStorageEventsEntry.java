package dev.abi.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.Application;

/**
 * The entry point of the CloudEvents function behind Eventarc triggers ({@code --entry-point
 * dev.abi.gcp.GcpStorageEventsEntry}): starts the Quarkus application of this jar once per instance, unless the HTTP
 * function's entry point already did, and hands each event to {@link GcpStorageEventsFunction}. A transient failure
 * is thrown, so GCF retries the event when the function is deployed with retries on.
 *
 * <p>One Quarkus extension (the HTTP one) builds this package: a second one (Funqy's CloudEvents binding) copied the
 * same uber jar into {@code target/deployment} from a parallel build step and failed 6 of 14 builds.
 */
public final class GcpStorageEventsEntry implements CloudEventsFunction {

    static {
        if (Application.currentApplication() == null) {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(GcpStorageEventsEntry.class.getClassLoader());
            try {
                Application app = (Application) Class.forName("io.quarkus.runner.ApplicationImpl")
                        .getConstructor()
                        .newInstance();
                app.start(new String[0]);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the Quarkus application of this package cannot be started", e);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
    }

    @Override
    public void accept(CloudEvent event) {
        Arc.container().instance(GcpStorageEventsFunction.class).get().storageEvents(event);
    }
}
