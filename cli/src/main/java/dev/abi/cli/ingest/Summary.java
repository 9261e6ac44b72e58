package dev.abi.cli.ingest;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

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
    /** Retries by the status that caused them (0: no connection). */
    final Map<Integer, Integer> retriesByStatus = new TreeMap<>();

    final List<String> failures = new ArrayList<>();

    void retried(int status) {
        retries++;
        retriesByStatus.merge(status, 1, Integer::sum);
    }

    void fail(long records, String reason) {
        failedRecords += records;
        failures.add(reason);
    }

    void print(PrintWriter out, String ns, Path state) {
        out.printf(
                "ingest into '%s': %,d records sent in %,d batches; %,d applied (%d batches replayed by the"
                        + " server); %,d skipped (%d batches acknowledged before); %,d failed; %d retries after 429/503%s%n",
                ns,
                recordsSent,
                batchesSent,
                applied,
                replayed,
                skippedRecords,
                skippedBatches,
                failedRecords,
                retries,
                retriesByStatus.isEmpty() ? "" : " " + byStatus());
        for (String f : failures) {
            out.println("failed: " + f);
        }
        out.println("state: " + state);
        out.flush();
    }

    /** {@code (429 x3, 503 x1, no connection x1)}. */
    private String byStatus() {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        retriesByStatus.forEach((status, n) -> j.add((status == 0 ? "no connection" : status.toString()) + " x" + n));
        return j.toString();
    }
}
