package dev.abi.aws.triggers;

import dev.abi.adapters.ObjectEventContract;
import io.cloudevents.CloudEvent;
import java.util.List;

/** The cross-cloud contract for EventBridge "Object Created" / "Object Deleted" events from S3. */
class EventBridgeContractTest extends ObjectEventContract {

    @Override
    protected List<CloudEvent> decodeCreated() {
        return List.of(S3EventMapping.fromEventBridge(Fixtures.json("eventbridge/contract-created.json")));
    }

    @Override
    protected List<CloudEvent> decodeRemoved() {
        return List.of(S3EventMapping.fromEventBridge(Fixtures.json("eventbridge/contract-removed.json")));
    }
}
