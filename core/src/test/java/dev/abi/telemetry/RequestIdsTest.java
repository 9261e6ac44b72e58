package dev.abi.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aSaneClientIdWinsThenThePlatformsThenTheTraceIdThenANewOne() {
        assertEquals("client-1", RequestIds.resolve("client-1", "platform-1", TRACEPARENT));
        assertEquals("platform-1", RequestIds.resolve(null, "platform-1", TRACEPARENT));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", RequestIds.resolve(null, null, TRACEPARENT));
        String made = RequestIds.resolve(null, null, null);
        assertTrue(RequestIds.isSane(made), made);
        assertFalse(made.equals(RequestIds.resolve(null, null, null)), "each new id is different");
    }

    @Test
    void anInsaneClientIdIsIgnored() {
        assertEquals("platform-1", RequestIds.resolve("has space", "platform-1", null));
        assertEquals("platform-1", RequestIds.resolve("x".repeat(129), "platform-1", null));
        assertEquals("platform-1", RequestIds.resolve("", "platform-1", null));
        assertEquals("platform-1", RequestIds.resolve("a\nfake log line", "platform-1", null));
        assertEquals("platform-1", RequestIds.resolve("ünïcode", "platform-1", null));
        assertEquals(
                "JKJaXmPLvHcESHA=",
                RequestIds.resolve("a=b", "JKJaXmPLvHcESHA=", null),
                "a platform's base64 id is kept; a client's '=' is not");
        assertFalse(RequestIds.resolve(null, "bad\nid", null).contains("\n"));
        assertTrue(RequestIds.isSane("x".repeat(128)));
        assertTrue(RequestIds.isSane("1-67891233-abcdef012345678912345678.a_b:c"));
    }

    @Test
    void aMalformedOrZeroTraceparentGivesNoId() {
        assertNull(RequestIds.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertNull(RequestIds.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
        assertNull(RequestIds.traceId("garbage"));
        assertNull(RequestIds.traceId("00-4bf92f35-00f067aa0ba902b7-01"));
    }

    @Test
    void theContextRestoresTheOuterIdWhenClosed() {
        assertNull(RequestContext.currentId());
        try (RequestContext.Scope outer = RequestContext.enter("outer")) {
            try (RequestContext.Scope inner = RequestContext.enter("inner")) {
                assertEquals("inner", RequestContext.currentId());
            }
            assertEquals("outer", RequestContext.currentId());
        }
        assertNull(RequestContext.currentId());
    }

    @Test
    void inMemoryMetricsKeepSeriesApartByTagsInAnyOrder() {
        InMemoryMetrics m = new InMemoryMetrics();
        m.count("c", "a", "1", "b", "2");
        m.count("c", "b", "2", "a", "1");
        m.count("c", "a", "9", "b", "2");
        m.record("t", Duration.ofMillis(3), "k", "v");
        m.record("t", Duration.ofMillis(4), "k", "v");
        assertEquals(2, m.counter("c", "a", "1", "b", "2"));
        assertEquals(1, m.counter("c", "b", "2", "a", "9"));
        assertEquals(0, m.counter("c"));
        assertEquals(2, m.timerCount("t", "k", "v"));
        assertEquals(Duration.ofMillis(7), m.timerTotal("t", "k", "v"));
        assertThrows(IllegalArgumentException.class, () -> m.count("c", "odd"));
    }
}
