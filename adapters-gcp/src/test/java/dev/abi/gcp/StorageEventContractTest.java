package dev.abi.gcp;

import dev.abi.adapters.ObjectEventContract;
import dev.abi.gcp.triggers.GcsEventMapping;
import io.cloudevents.CloudEvent;
import java.util.List;

/** The cross-cloud contract for Eventarc Cloud Storage events (finalized, deleted). */
class StorageEventContractTest extends ObjectEventContract {

    @Override
    protected List<CloudEvent> decodeCreated() {
        return List.of(GcsEventMapping.canonical(GcpFixtures.event("storage/contract-finalized.json")));
    }

    @Override
    protected List<CloudEvent> decodeRemoved() {
        return List.of(GcsEventMapping.canonical(GcpFixtures.event("storage/contract-deleted.json")));
    }
}
