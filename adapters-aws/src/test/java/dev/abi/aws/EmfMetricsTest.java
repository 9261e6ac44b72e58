package dev.abi.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The EMF lines themselves: one per series, counters summed, timers listed, at most 100 values a line. */
class EmfMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachSeriesIsOneLineAndAFlushForgetsWhatItWrote() throws Exception {
        List<String> lines = new ArrayList<>();
        EmfMetrics emf = new EmfMetrics(lines::add);
        emf.count("abi.commits", "op", "upsert");
        emf.count("abi.commits", "op", "upsert");
        emf.record("abi.query", Duration.ofMillis(12), "device", "cpu");
        emf.flush(1_700_000_000_000L, "inv-1");

        assertEquals(2, lines.size(), lines.toString());
        JsonNode commits = JSON.readTree(lines.get(0));
        JsonNode directive = commits.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals(1_700_000_000_000L, commits.path("_aws").path("Timestamp").asLong());
        assertEquals("ABI", directive.path("Namespace").asText());
        assertEquals("[[\"op\"],[]]", directive.path("Dimensions").toString());
        assertEquals("Count", directive.path("Metrics").get(0).path("Unit").asText());
        assertEquals("upsert", commits.path("op").asText());
        assertEquals("[2.0]", commits.path("abi.commits").toString());
        assertEquals("inv-1", commits.path("awsRequestId").asText());
        JsonNode query = JSON.readTree(lines.get(1));
        assertEquals(
                "Milliseconds",
                query.path("_aws")
                        .path("CloudWatchMetrics")
                        .get(0)
                        .path("Metrics")
                        .get(0)
                        .path("Unit")
                        .asText());
        assertEquals(12.0, query.path("abi.query").get(0).asDouble(), 1e-9);

        emf.flush(1_700_000_000_001L, "inv-2");
        assertEquals(2, lines.size(), "nothing new measured, nothing written");
    }

    @Test
    void moreThanAHundredValuesGoOnSeveralLines() throws Exception {
        List<String> lines = new ArrayList<>();
        EmfMetrics emf = new EmfMetrics(lines::add);
        for (int i = 0; i < 150; i++) {
            emf.record("abi.query", Duration.ofMillis(i), "device", "cpu");
        }
        emf.flush(0, null);
        assertEquals(2, lines.size());
        assertEquals(100, JSON.readTree(lines.get(0)).path("abi.query").size());
        assertEquals(50, JSON.readTree(lines.get(1)).path("abi.query").size());
        assertTrue(JSON.readTree(lines.get(1)).path("awsRequestId").isMissingNode());
    }
}
