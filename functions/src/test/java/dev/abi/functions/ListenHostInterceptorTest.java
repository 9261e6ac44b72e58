package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host the server listens on, resolved through the service-loaded interceptor as Quarkus resolves its config:
 * loopback with authentication off, every interface with it on, and an explicit host always wins; and the startup
 * warning that says which.
 */
class ListenHostInterceptorTest {

    /** Config as Quarkus builds it: its own built-in host default, then properties at {@code ordinal}. */
    private static String host(Map<String, String> properties, int ordinal) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addDiscoveredInterceptors()
                .withProfile("prod")
                .withDefaultValue("quarkus.http.host", "0.0.0.0")
                .withDefaultValue("abi.auth.enabled", "false")
                .withSources(new PropertiesConfigSource(properties, "test", ordinal))
                .build();
        return config.getValue("quarkus.http.host", String.class);
    }

    private static String host(Map<String, String> properties) {
        return host(properties, 250);
    }

    @Test
    void authOffAndNoHostListensOnLoopbackOnly() {
        assertEquals("127.0.0.1", host(Map.of()));
        assertEquals("127.0.0.1", host(Map.of("abi.auth.enabled", "false")));
    }

    @Test
    void authOnListensOnEveryInterface() {
        assertEquals("0.0.0.0", host(Map.of("abi.auth.enabled", "true")));
        assertEquals("0.0.0.0", host(Map.of("%prod.abi.auth.enabled", "true")), "profile values count");
        assertEquals("0.0.0.0", host(Map.of("abi.auth.enabled", "${auth:true}")), "expressions count");
    }

    @Test
    void anExplicitHostWins() {
        assertEquals("0.0.0.0", host(Map.of("quarkus.http.host", "0.0.0.0")));
        assertEquals("192.168.1.5", host(Map.of("quarkus.http.host", "192.168.1.5", "abi.auth.enabled", "true"), 400));
        assertEquals("0.0.0.0", host(Map.of("abi.http.host", "0.0.0.0")));
        assertEquals("10.0.0.2", host(Map.of("abi.http.host", "10.0.0.2", "abi.auth.enabled", "true")));
        assertEquals(
                "::1",
                host(Map.of("quarkus.http.host", "::1", "abi.http.host", "10.0.0.2")),
                "quarkus.http.host before abi.http.host");
    }

    @Test
    void otherNamesPassThrough() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addDiscoveredInterceptors()
                .withSources(new PropertiesConfigSource(Map.of("quarkus.http.port", "9000"), "test", 250))
                .build();
        assertEquals(9000, config.getValue("quarkus.http.port", Integer.class));
    }

    @Test
    void theStartupWarningSaysLoopbackOnlyAndHowToListenElsewhere() {
        String embedded = CoreBeans.authOffWarning(host(Map.of()));
        assertTrue(embedded.contains("listens on 127.0.0.1 only"), embedded);
        assertTrue(embedded.contains("-Dabi.http.host") && embedded.contains("turn authentication on"), embedded);
        assertTrue(CoreBeans.authOffWarning("localhost").contains("localhost only"));
        String everywhere = CoreBeans.authOffWarning(host(Map.of("abi.http.host", "0.0.0.0")));
        assertTrue(everywhere.contains("listens on 0.0.0.0, set explicitly"), everywhere);
        assertTrue(everywhere.contains("anyone who can reach this port"), everywhere);
        assertFalse(everywhere.contains("only"), everywhere);
    }
}
