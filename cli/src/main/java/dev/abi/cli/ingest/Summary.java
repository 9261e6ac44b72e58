package dev.abi.cli.ingest;

import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** What one ingest run did, printed at its end: sent, applied, replayed, skipped, failed with reasons, retries. */
final class Summary {

    long recordsSent;
    int batchesSent;
    long applied;
    int replayed;
    long skippedRecords;
    int skippedBatches;
    long failedRecords;
    int retries;
    final List<String> failures = new ArrayList<>();

    void fail(long records, String reason) {
        failedRecords += records;
        failures.add(reason);
    }

    void print(PrintWriter out, String ns, Path state) {
        out.printf("ingest into '%s': %,d records sent in %,d batches; %,d applied (%d batches replayed by the"
                + " server); %,d skipped (%d batches acknowledged before); %,d failed; %d retries after 429/503%n",
                ns, recordsSent, batchesSent, applied, replayed, skippedRecords, skippedBatches, failedRecords,
                retries);
        for (String f : failures) {
            out.println("failed: " + f);
        }
        out.println("state: " + state);
        out.flush();
    }
}
