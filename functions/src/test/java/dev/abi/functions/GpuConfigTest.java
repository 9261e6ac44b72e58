package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.abi.gateway.GpuRouting;
import dev.abi.telemetry.Metrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code abi.gpu.*} into the {@link GpuRouting} that queries and document ingests share. */
class GpuConfigTest {

    private final AtomicInteger embeddings = new AtomicInteger();
    private HttpServer service;

    @BeforeEach
    void start() throws Exception {
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/v1/embeddings", exchange -> {
            embeddings.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"object\":\"list\",\"model\":\"m\",\"data\":["
                            + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[1,0]},"
                            + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0,1]},"
                            + "{\"object\":\"embedding\",\"index\":2,\"embedding\":[1,0]}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();
    }

    @AfterEach
    void stop() {
        service.stop(0);
    }

    private static AbiConfig.Gpu gpu(String url, int minDocuments) {
        return new AbiConfig.Gpu() {
            @Override
            public Optional<String> url() {
                return Optional.ofNullable(url);
            }

            @Override
            public long minWork() {
                return 1_000_000;
            }

            @Override
            public int minDocuments() {
                return minDocuments;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(30);
            }

            @Override
            public String auth() {
                return "none";
            }

            @Override
            public Optional<String> audience() {
                return Optional.empty();
            }
        };
    }

    @Test
    void noUrlNoRouting() {
        assertNull(CoreBeans.gpuRouting(gpu(null, 3), Metrics.NOOP));
    }

    @Test
    void minDocumentsDecidesWhichIngestsGoToTheService() {
        GpuRouting routing = CoreBeans.gpuRouting(
                gpu("http://127.0.0.1:" + service.getAddress().getPort(), 3), Metrics.NOOP);
        assertTrue(routing.embed("m", 2, List.of("a", "b")).isEmpty(), "2 chunks < abi.gpu.min-documents 3");
        assertEquals(0, embeddings.get());
        assertEquals(3, routing.embed("m", 2, List.of("a", "b", "c")).orElseThrow().length);
        assertEquals(1, embeddings.get());
    }
}
