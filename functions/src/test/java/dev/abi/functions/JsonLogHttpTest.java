package dev.abi.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.junit.jupiter.api.Test;

/**
 * With {@code abi.log.format=json}, the console writes one JSON object per log line: the request id of the reply
 * header and problem body is a field of the request's log lines, and a stack trace stays inside its line.
 */
@QuarkusTest
@TestProfile(JsonLogHttpTest.JsonLogs.class)
class JsonLogHttpTest {

    /** The JSON console format, asked for the ABI way. */
    public static class JsonLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("abi.log.format", "json");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneRequestIdFollowsFromTheReplyHeaderThroughTheProblemBodyIntoJsonLogLines() throws Exception {
        Formatter console =
                consoleFormatter(LogContext.getLogContext().getLogger("").getHandlers());
        assertNotNull(console, "a console handler");
        assertTrue(
                console.getClass().getName().toLowerCase().contains("json"),
                console.getClass().getName());

        Recorder capture = new Recorder();
        List<ExtLogRecord> records = capture.records;
        org.jboss.logmanager.Logger access = LogContext.getLogContext().getLogger("abi.access");
        access.addHandler(capture);
        Response r;
        try {
            r = given().header("X-Request-Id", "json-log-77")
                    .body("{\"vectors\":[{\"id\":\"a\",\"values\":[1,NaN]}]}")
                    .post("/v1/namespaces/json-logs/vectors");
        } finally {
            access.removeHandler(capture);
        }
        assertEquals(400, r.statusCode(), r.asString());
        String id = r.header("X-Request-Id");
        assertEquals("json-log-77", id);
        assertEquals(id, r.jsonPath().getString("requestId"));

        List<JsonNode> lines = new ArrayList<>();
        synchronized (records) {
            for (ExtLogRecord record : records) {
                String line = console.format(record);
                assertEquals(1, line.strip().lines().count(), "one line per event: " + line);
                lines.add(JSON.readTree(line));
            }
        }
        JsonNode accessLine = lines.stream()
                .filter(l -> l.path("loggerName").asText().equals("abi.access"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access-log line in " + lines));
        assertEquals(id, accessLine.path("mdc").path("requestId").asText(), accessLine.toString());
        assertTrue(accessLine.path("message").asText().contains("\"requestId\":\"" + id + "\""), accessLine.toString());

        ExtLogRecord failure =
                new ExtLogRecord(Level.SEVERE, "request json-log-77 failed", JsonLogHttpTest.class.getName());
        failure.setThrown(new IllegalStateException("planted", new RuntimeException("cause")));
        String line = console.format(failure);
        assertEquals(1, line.strip().lines().count(), "a stack trace stays inside its event: " + line);
        JsonNode parsed = JSON.readTree(line);
        assertTrue(parsed.path("stackTrace").asText().contains("IllegalStateException: planted"), line);
        assertTrue(parsed.path("stackTrace").asText().contains("Caused by: java.lang.RuntimeException: cause"), line);
    }

    @Test
    void onlyJsonOrTextIsAFormat() {
        assertTrue(LogFormatInterceptor.isJson("json"));
        assertTrue(LogFormatInterceptor.isJson(" JSON "));
        assertFalse(LogFormatInterceptor.isJson("text"));
        assertFalse(LogFormatInterceptor.isJson(null));
        assertThrows(IllegalArgumentException.class, () -> LogFormatInterceptor.isJson("xml"));
    }

    /** The formatter of the first handler, nested ones included, that has a JSON formatter, else of any handler. */
    /** Keeps every record published to it, its MDC copied on the logging thread; read under its list's lock. */
    static final class Recorder extends Handler {
        final List<ExtLogRecord> records = new ArrayList<>();

        @Override
        public void publish(LogRecord r) {
            if (r instanceof ExtLogRecord ext) {
                ext.copyAll(); // the MDC as it is now, on the request's thread
                synchronized (records) {
                    records.add(ext);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    static Formatter consoleFormatter(Handler[] handlers) {
        Formatter any = null;
        for (Handler h : handlers) {
            if (h.getFormatter() != null
                    && h.getFormatter().getClass().getName().toLowerCase().contains("json")) {
                return h.getFormatter();
            }
            if (h instanceof ExtHandler ext) {
                Formatter nested = consoleFormatter(ext.getHandlers());
                if (nested != null && nested.getClass().getName().toLowerCase().contains("json")) {
                    return nested;
                }
                any = any == null ? nested : any;
            }
            any = any == null ? h.getFormatter() : any;
        }
        return any;
    }
}
