package dev.abi.azure;

import dev.abi.adapters.ObjectEventContract;
import dev.abi.azure.triggers.BlobEventMapping;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The cross-cloud contract for Event Grid (CloudEvents schema) BlobCreated / BlobDeleted events. */
class AzureEventContractTest extends ObjectEventContract {

    static String fixture(String path) throws IOException {
        try (InputStream in = AzureEventContractTest.class.getResourceAsStream("/events/azure/" + path)) {
            if (in == null) {
                throw new IOException("no fixture events/azure/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    protected List<CloudEvent> decodeCreated() throws IOException {
        return List.of(
                BlobEventMapping.canonical(BlobEventMapping.providerEvent(fixture("eventgrid/contract-created.json"))));
    }

    @Override
    protected List<CloudEvent> decodeRemoved() throws IOException {
        return List.of(
                BlobEventMapping.canonical(BlobEventMapping.providerEvent(fixture("eventgrid/contract-removed.json"))));
    }
}
