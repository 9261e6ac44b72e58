package dev.abi.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.telemetry.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Core's {@link Metrics} as CloudWatch Embedded Metric Format: what one invocation measured is kept in memory and
 * written by {@link #flush} as JSON lines to the function's log (stdout), one per series, which CloudWatch turns into
 * metrics of namespace {@value #NAMESPACE} without an API call. Each series' tags are its dimensions; counters are
 * sums with unit {@code Count}, timers lists of values in {@code Milliseconds}. The invocation's AWS request id rides
 * along as a property (not a dimension), so a metric's log line leads to the invocation.
 */
public final class EmfMetrics implements Metrics {

    /** The CloudWatch namespace of every metric. */
    public static final String NAMESPACE = "ABI";
    /** EMF takes at most 100 values per metric in one line; more are written on further lines. */
    private static final int MAX_VALUES = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Series(String name, List<String> tags, String unit) {}

    private final Map<Series, List<Double>> pending = new LinkedHashMap<>();
    private final Consumer<String> out;

    /** @param out where each EMF line goes (the function's stdout in Lambda) */
    public EmfMetrics(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public void count(String name, String... tags) {
        add(new Series(name, List.of(tags), "Count"), 1);
    }

    @Override
    public void count(String name, long amount, String... tags) {
        add(new Series(name, List.of(tags), "Count"), amount);
    }

    @Override
    public void record(String name, Duration duration, String... tags) {
        add(new Series(name, List.of(tags), "Milliseconds"), duration.toNanos() / 1e6);
    }

    private synchronized void add(Series series, double value) {
        if (series.tags().size() % 2 != 0) {
            throw new IllegalArgumentException("tags come in key/value pairs: " + series.tags());
        }
        List<Double> values = pending.computeIfAbsent(series, s -> new ArrayList<>());
        if (series.unit().equals("Count") && !values.isEmpty()) {
            values.set(0, values.get(0) + value);
        } else {
            values.add(value);
        }
    }

    /**
     * Writes what was measured since the last flush and forgets it; writes nothing when nothing was measured.
     *
     * @param timestampMillis the time of the lines (the invocation's end)
     * @param awsRequestId    the invocation's id, or null
     */
    public void flush(long timestampMillis, String awsRequestId) {
        Map<Series, List<Double>> batch;
        synchronized (this) {
            batch = new LinkedHashMap<>(pending);
            pending.clear();
        }
        batch.forEach((series, values) -> {
            for (int from = 0; from < values.size(); from += MAX_VALUES) {
                out.accept(line(
                        series,
                        values.subList(from, Math.min(values.size(), from + MAX_VALUES)),
                        timestampMillis,
                        awsRequestId));
            }
        });
    }

    private static String line(Series series, List<Double> values, long timestampMillis, String awsRequestId) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws").put("Timestamp", timestampMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject().put("Namespace", NAMESPACE);
        ArrayNode dimensions = directive.putArray("Dimensions").addArray();
        for (int i = 0; i < series.tags().size(); i += 2) {
            dimensions.add(series.tags().get(i));
            root.put(series.tags().get(i), series.tags().get(i + 1));
        }
        if (!series.tags().isEmpty()) {
            ((ArrayNode) directive.get("Dimensions")).addArray(); // the values once more without dimensions: a total
        }
        directive.putArray("Metrics").addObject().put("Name", series.name()).put("Unit", series.unit());
        ArrayNode list = root.putArray(series.name());
        values.forEach(list::add);
        if (awsRequestId != null) {
            root.put("awsRequestId", awsRequestId);
        }
        return root.toString();
    }
}
