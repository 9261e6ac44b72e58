package dev.abi.aws.triggers;

import java.util.List;

/**
 * Some records of an S3 or EventBridge delivery failed for a reason that may pass (object store down, breaker open,
 * commit contention). Thrown after the whole batch ran, so that Lambda's retry delivers the event again.
 */
public final class TransientBatchFailureException extends RuntimeException {
    public TransientBatchFailureException(List<String> failed, Throwable first) {
        super(failed.size() + " record(s) failed and will be retried: " + String.join("; ", failed), first);
    }
}
