package dev.abi.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs {@code abi} in-process for a test, capturing its output, error stream, exit status and retry waits. */
public final class Cli {

    /** What one run gave. */
    public record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    /** The waits the runs asked for, in order (nothing actually waits). */
    public static final List<Duration> WAITS = new CopyOnWriteArrayList<>();

    static {
        ApiOptions.sleeper = WAITS::add;
    }

    private Cli() {}

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Abi.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }
}
