package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.telemetry.MetricNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example Grafana dashboard (docs/grafana/abi-dashboard.json) parses, and every series its queries read is one
 * the local server exports at {@code /metrics}: a timer of {@link MetricNames} as {@code <name>_seconds_count|sum|
 * bucket|max}, a counter as {@code <name>_total} (ObservabilityHttpTest scrapes the naming scheme from a live server).
 */
class DashboardTest {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "abi-dashboard.json");
    private static final Pattern SERIES = Pattern.compile("\\babi_[a-z0-9_]+");

    /** Every Prometheus series name the server can export. */
    static Set<String> exported() {
        Set<String> out = new TreeSet<>();
        for (String name : MetricNames.ALL) {
            String base = name.replace('.', '_');
            if (MetricNames.TIMERS.contains(name)) {
                for (String suffix : List.of("_count", "_sum", "_bucket", "_max")) {
                    out.add(base + "_seconds" + suffix);
                }
            } else {
                out.add(base + "_total");
            }
        }
        return out;
    }

    /** The series an expression reads that the server does not export. */
    static List<String> unknownSeries(String expr) {
        List<String> unknown = new ArrayList<>();
        Matcher m = SERIES.matcher(expr);
        while (m.find()) {
            if (!exported().contains(m.group())) {
                unknown.add(m.group());
            }
        }
        return unknown;
    }

    @Test
    void everyQueryOfTheDashboardReadsSeriesTheServerExports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("ABI Serverless", dashboard.path("title").asText());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        assertTrue(exprs.size() >= 10, exprs.toString());
        Set<String> read = new TreeSet<>();
        for (String expr : exprs) {
            assertEquals(List.of(), unknownSeries(expr), expr);
            Matcher m = SERIES.matcher(expr);
            assertTrue(m.find(), "each query reads an ABI series: " + expr);
            m.reset();
            while (m.find()) {
                read.add(m.group());
            }
        }
        for (String wanted : List.of(
                "abi_http_requests_seconds_count",
                "abi_query_seconds_bucket",
                "abi_commit_conflicts_total",
                "abi_store_calls_seconds_bucket",
                "abi_breaker_transitions_total",
                "abi_events_dead_lettered_total",
                "abi_inference_tokens_total")) {
            assertTrue(read.contains(wanted), "the dashboard shows " + wanted + "; it reads " + read);
        }
    }

    @Test
    void aMisspelledOrUnitlessSeriesIsCaught() {
        assertEquals(
                List.of("abi_query_latency_bucket"),
                unknownSeries("histogram_quantile(0.99, sum by (le) (rate(abi_query_latency_bucket[5m])))"));
        assertEquals(List.of("abi_commits"), unknownSeries("rate(abi_commits[5m])"), "a counter without _total");
        assertFalse(unknownSeries("rate(abi_commits_total[5m])").contains("abi_commits_total"));
    }
}
