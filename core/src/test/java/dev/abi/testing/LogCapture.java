package dev.abi.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A {@code java.util.logging} handler that keeps every record as one line for a secret scan: the logger's name, the
 * raw message, each parameter, the formatted message and the stack trace of a thrown exception, so a secret reaching
 * the log by any of those routes is in the line. Read {@link #lines} while holding its lock.
 */
public final class LogCapture extends Handler {

    /** The captured lines, in order; synchronize on the list to read it. */
    public final List<String> lines = new ArrayList<>();

    @Override
    public void publish(LogRecord r) {
        StringBuilder line = new StringBuilder(r.getLoggerName() + " " + r.getMessage());
        if (r.getParameters() != null) {
            for (Object p : r.getParameters()) {
                line.append(' ').append(p);
            }
            try {
                line.append(' ').append(MessageFormat.format(r.getMessage(), r.getParameters()));
            } catch (IllegalArgumentException notAPattern) {
                // the parameters are in the line already
            }
        }
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(' ').append(trace);
        }
        synchronized (lines) {
            lines.add(line.toString());
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
