package dev.abi.aws.triggers;

import dev.abi.adapters.ObjectEventContract;
import io.cloudevents.CloudEvent;
import java.util.List;

/** The cross-cloud contract for S3 notifications: record, then the spec's S3 CloudEvent, then the canonical one. */
class S3NotificationContractTest extends ObjectEventContract {

    private static List<CloudEvent> decode(String fixture) {
        return List.of(S3EventMapping.canonical(S3EventMapping.providerEvent(
                Fixtures.json(fixture).get("Records").get(0), "Records[0].")));
    }

    @Override
    protected List<CloudEvent> decodeCreated() {
        return decode("s3/contract-created.json");
    }

    @Override
    protected List<CloudEvent> decodeRemoved() {
        return decode("s3/contract-removed.json");
    }
}
