package dev.abi.cli.ingest;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress line on standard error: share of the input bytes read, records sent, rate and ETA. On a terminal it
 * redraws one line at most every 200 ms; otherwise it prints a line at most every 5 seconds, and always a last one.
 */
final class Progress {

    private final PrintWriter err;
    private final long totalBytes;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final long start;
    private long lastPrint = Long.MIN_VALUE;

    Progress(PrintWriter err, long totalBytes, boolean terminal, LongSupplier nanos) {
        this.err = err;
        this.totalBytes = Math.max(1, totalBytes);
        this.terminal = terminal;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    /** Reports {@code bytes} of the input consumed and {@code records} sent; prints when it is time to. */
    void update(long bytes, long records, boolean last) {
        if (records == 0 && !last) {
            return; // no rate to speak of yet
        }
        long now = nanos.getAsLong();
        long every = terminal ? 200_000_000L : 5_000_000_000L;
        if (!last && lastPrint != Long.MIN_VALUE && now - lastPrint < every) {
            return;
        }
        lastPrint = now;
        String line = line(bytes, records, now - start);
        if (terminal) {
            err.print("\r" + line + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** The text of one progress line. */
    String line(long bytes, long records, long elapsedNanos) {
        double fraction = Math.min(1.0, (double) bytes / totalBytes);
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? records / seconds : 0;
        String eta = fraction > 0 && fraction < 1 && seconds > 0
                ? clock((long) (seconds / fraction - seconds))
                : fraction >= 1 ? "0:00" : "?";
        int width = 24;
        int filled = (int) Math.round(fraction * width);
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%%  %,d records  %,.0f/s  ETA %s",
                "#".repeat(filled),
                ".".repeat(width - filled),
                Math.round(fraction * 100),
                records,
                rate,
                eta);
    }

    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
