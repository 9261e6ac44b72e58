package dev.abi.aws.triggers;

import dev.abi.events.IndexResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply of a storage trigger: what each record did, the records refused as malformed, and whether any record
 * failed transiently (then the handler throws after the whole batch, so Lambda delivers the event again; records
 * already applied are recognised by their version and not applied twice).
 */
public record StorageReplies(List<IndexResult> results, List<String> refused, List<String> failed) {

    public StorageReplies() {
        this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
}
