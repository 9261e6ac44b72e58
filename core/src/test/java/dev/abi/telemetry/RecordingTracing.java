package dev.abi.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link Tracing} that keeps every ended span, with its parent, for tests. */
public final class RecordingTracing implements Tracing {

    /** An ended span: its name, the name of the span current when it opened (null at the root), its attributes. */
    public record Ended(String name, String parent, Map<String, String> attributes, Throwable error) {}

    private final List<Ended> ended = new ArrayList<>();
    private final ThreadLocal<Open> current = new ThreadLocal<>();

    private final class Open implements Span {
        private final String name;
        private final Open parent;
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private Throwable error;

        Open(String name, Open parent) {
            this.name = name;
            this.parent = parent;
        }

        @Override
        public Span attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        @Override
        public void error(Throwable failure) {
            error = failure;
        }

        @Override
        public void close() {
            synchronized (ended) {
                ended.add(new Ended(name, parent == null ? null : parent.name, Map.copyOf(attributes), error));
            }
            if (parent == null) {
                current.remove();
            } else {
                current.set(parent);
            }
        }
    }

    @Override
    public Span start(String name, String... attributes) {
        Open span = new Open(name, current.get());
        for (int i = 0; i < attributes.length; i += 2) {
            span.attribute(attributes[i], attributes[i + 1]);
        }
        current.set(span);
        return span;
    }

    /** The spans ended so far, in the order they ended. */
    public List<Ended> ended() {
        synchronized (ended) {
            return List.copyOf(ended);
        }
    }
}
