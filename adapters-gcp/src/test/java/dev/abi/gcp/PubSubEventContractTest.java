package dev.abi.gcp;

import dev.abi.adapters.ObjectEventContract;
import dev.abi.gcp.triggers.GcsEventMapping;
import io.cloudevents.CloudEvent;
import java.util.List;

/** The cross-cloud contract for Cloud Storage notifications delivered as Pub/Sub messages through Eventarc. */
class PubSubEventContractTest extends ObjectEventContract {

    @Override
    protected List<CloudEvent> decodeCreated() {
        return List.of(GcsEventMapping.canonical(GcpFixtures.event("pubsub/contract-finalize.json")));
    }

    @Override
    protected List<CloudEvent> decodeRemoved() {
        return List.of(GcsEventMapping.canonical(GcpFixtures.event("pubsub/contract-delete.json")));
    }
}
