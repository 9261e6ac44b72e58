package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.abi.documents.Chunker;
import dev.abi.documents.Document;
import dev.abi.documents.DocumentIndex;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.resilience.CircuitBreaker;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.telemetry.InMemoryMetrics;
import dev.abi.testing.WordEmbedder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing of large exact queries to the GPU service, against a fake service in the test that answers the way the
 * real one does (the same /v1 query route, here computed by a CPU gateway over the same store), fails, is slow or has
 * no GPU. Every query is answered; the answers equal the CPU path's; the breaker opens and half-opens on a clock.
 */
class GpuRoutingTest {

    enum Mode {
        HEALTHY,
        FAILING,
        NO_GPU,
        REFUSED,
        UNKNOWN_NAMESPACE,
        SLOW
    }

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final NamespaceService namespaces = new NamespaceService(new NamespaceStore(objects));
    private final Gateway cpu = Gateway.builder(namespaces).build();
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.HEALTHY);
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicReference<String> forwardedId = new AtomicReference<>();
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    /** The vector the fake service gives every text; the CPU's {@link WordEmbedder} gives (1, 0). */
    private static final float[] SERVICE_VECTOR = {0.6f, 0.8f};

    private final AtomicReference<String> serviceModel = new AtomicReference<>("words");
    /** What the fake service writes as each embedding's second value (JSON text); null: the real number. */
    private final AtomicReference<String> secondValue = new AtomicReference<>();
    /** How long each {@code /v1/embeddings} request takes on the test clock. */
    private final AtomicReference<Duration> embedTakes = new AtomicReference<>(Duration.ZERO);

    private final List<Integer> embedInputs = new CopyOnWriteArrayList<>();
    /** The {@code Authorization} header of every request the fake service received, {@code "none"} when absent. */
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private HttpServer service;

    @BeforeEach
    void start() throws Exception {
        StringBuilder vectors = new StringBuilder("{\"vectors\":[");
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            vectors.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"v")
                    .append(i)
                    .append("\",\"values\":[")
                    .append(random.nextFloat())
                    .append(',')
                    .append(random.nextFloat())
                    .append(',')
                    .append(random.nextFloat())
                    .append("],\"attributes\":{\"i\":")
                    .append(i)
                    .append("}}");
        }
        assertEquals(
                200,
                post(cpu, "/v1/namespaces/big/vectors", vectors.append("]}").toString())
                        .status());
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/", exchange -> {
            received.incrementAndGet();
            forwardedId.set(exchange.getRequestHeaders().getFirst("X-Request-Id"));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "none" : authorization);
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            HttpResponse answer = switch (mode.get()) {
                case HEALTHY ->
                    path.equals("/v1/embeddings")
                            ? embeddings(body)
                            : cpu.handle(new HttpRequest("POST", path, Map.of(), Map.of(), body));
                case FAILING -> new HttpResponse(500, Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
                case NO_GPU -> new HttpResponse(503, Map.of(), "{\"gpu\":false}".getBytes(StandardCharsets.UTF_8));
                case UNKNOWN_NAMESPACE -> new HttpResponse(404, Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
                case REFUSED ->
                    new HttpResponse(
                            403,
                            Map.of(),
                            ("{\"refused\":\"" + authorizations.get(authorizations.size() - 1) + "\"}")
                                    .getBytes(StandardCharsets.UTF_8));
                case SLOW -> {
                    try {
                        releaseSlow.await(1, TimeUnit.MINUTES); // hang guard only: released when the test ends
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield new HttpResponse(500, Map.of(), new byte[0]);
                }
            };
            exchange.sendResponseHeaders(answer.status(), answer.body().length);
            exchange.getResponseBody().write(answer.body());
            exchange.close();
        });
        service.setExecutor(Executors.newCachedThreadPool());
        service.start();
    }

    /** The fake service's {@code /v1/embeddings}: every input's vector is {@link #SERVICE_VECTOR}. */
    private HttpResponse embeddings(byte[] body) throws java.io.IOException {
        JsonNode input = JsonBodies.MAPPER.readTree(body).get("input");
        embedInputs.add(input.size());
        clock.advance(embedTakes.get());
        StringBuilder out = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < input.size(); i++) {
            out.append(i == 0 ? "" : ",")
                    .append("{\"object\":\"embedding\",\"index\":")
                    .append(i)
                    .append(",\"embedding\":[")
                    .append(SERVICE_VECTOR[0])
                    .append(',')
                    .append(secondValue.get() != null ? secondValue.get() : String.valueOf(SERVICE_VECTOR[1]))
                    .append("]}");
        }
        out.append("],\"model\":\"").append(serviceModel.get()).append("\"}");
        return new HttpResponse(200, Map.of(), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        service.stop(0);
    }

    /**
     * A gateway routing to the test's GPU service with a generous timeout: on the healthy paths it only turns a hang
     * into a failure, so a loaded machine cannot make a healthy answer look like a timeout.
     */
    private Gateway routed(long minWork, CircuitBreaker.Config breaker) {
        return routed(minWork, breaker, Duration.ofMinutes(2));
    }

    private Gateway routed(long minWork, CircuitBreaker.Config breaker, Duration timeout) {
        GpuRouting routing = GpuRouting.builder(
                        URI.create("http://127.0.0.1:" + service.getAddress().getPort()),
                        new CircuitBreaker("gpu-service", breaker, clock, GpuRouting::isFailure))
                .minWork(minWork)
                .timeout(timeout)
                .build();
        return Gateway.builder(namespaces).gpu(routing).build();
    }

    private static HttpResponse post(Gateway g, String path, String body) {
        return g.handle(new HttpRequest("POST", path, Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String QUERY = "{\"vector\":[0.3,0.5,0.1],\"topK\":5}";

    private void assertSameMatches(HttpResponse expected, HttpResponse actual) throws Exception {
        JsonNode e = JsonBodies.MAPPER.readTree(expected.body()).get("matches");
        JsonNode a = JsonBodies.MAPPER.readTree(actual.body()).get("matches");
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            assertEquals(e.get(i).get("id").asText(), a.get(i).get("id").asText(), "rank " + i);
            assertEquals(
                    e.get(i).get("distance").asDouble(),
                    a.get(i).get("distance").asDouble(),
                    1e-5);
            assertEquals(e.get(i).get("attributes"), a.get(i).get("attributes"));
        }
    }

    @Test
    void theGpuServiceGetsTheRequestsResolvedIdAndTheQueryIsTimedAsGpu() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        GpuRouting routing = GpuRouting.builder(
                        URI.create("http://127.0.0.1:" + service.getAddress().getPort()),
                        new CircuitBreaker(
                                "gpu-service", CircuitBreaker.Config.defaults(), clock, GpuRouting::isFailure))
                .minWork(10)
                .timeout(Duration.ofSeconds(30))
                .build();
        Gateway g = Gateway.builder(namespaces).gpu(routing).metrics(metrics).build();
        HttpResponse r = post(g, "/v1/namespaces/big/query", QUERY); // no X-Request-Id: the gateway makes one
        assertEquals("gpu", r.headers().get(GpuRouting.DEVICE_HEADER), r.bodyText());
        assertNotNull(r.headers().get("X-Request-Id"));
        assertEquals(r.headers().get("X-Request-Id"), forwardedId.get());
        assertEquals(1, metrics.timerCount("abi.query", "device", "gpu", "path", "gpu"), metrics.describe());
    }

    @Test
    void aLargeQueryIsAnsweredOnTheGpuWithTheCpusMatches() throws Exception {
        HttpResponse expected = post(cpu, "/v1/namespaces/big/query", QUERY);
        HttpResponse r = post(routed(10, CircuitBreaker.Config.defaults()), "/v1/namespaces/big/query", QUERY);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("gpu", r.headers().get(GpuRouting.DEVICE_HEADER));
        assertEquals(1, received.get());
        assertSameMatches(expected, r);
    }

    @Test
    void smallFilteredAndPastQueriesStayOnTheCpu() {
        Gateway small = routed(1_000, CircuitBreaker.Config.defaults());
        assertEquals(
                "cpu", post(small, "/v1/namespaces/big/query", QUERY).headers().get(GpuRouting.DEVICE_HEADER));
        Gateway g = routed(10, CircuitBreaker.Config.defaults());
        assertEquals(
                "cpu",
                post(g, "/v1/namespaces/big/query", "{\"vector\":[1,0,0],\"filter\":{\"i\":{\"$lt\":5}}}")
                        .headers()
                        .get(GpuRouting.DEVICE_HEADER));
        assertEquals(
                "cpu",
                post(g, "/v1/namespaces/big/query", "{\"vector\":[1,0,0],\"asOf\":{\"version\":1}}")
                        .headers()
                        .get(GpuRouting.DEVICE_HEADER));
        assertEquals(0, received.get(), "the GPU service saw none of them");
    }

    /** The service answers ids and distances only: a query asking for more is answered whole on the CPU. */
    @Test
    void aQueryAskingForAttributesOrValuesStaysOnTheCpu() {
        Gateway g = routed(10, CircuitBreaker.Config.defaults());
        for (String ask : new String[] {"\"includeAttributes\":true", "\"includeValues\":true"}) {
            HttpResponse one = post(g, "/v1/namespaces/big/query", "{\"vector\":[1,0,0]," + ask + "}");
            assertEquals("cpu", one.headers().get(GpuRouting.DEVICE_HEADER), ask);
            assertTrue(one.bodyText().contains(ask.startsWith("\"includeA") ? "\"attributes\"" : "\"values\""), ask);
            HttpResponse batch = post(
                    g,
                    "/v1/namespaces/big/query",
                    "{\"queries\":[{\"vector\":[1,0,0]},{\"vector\":[0,1,0]," + ask + "}]}");
            assertEquals("cpu", batch.headers().get(GpuRouting.DEVICE_HEADER), ask);
        }
        assertEquals(0, received.get(), "the GPU service saw none of them");
    }

    private static final String BATCH = "{\"queries\":[{\"vector\":[0.3,0.5,0.1],\"topK\":5},"
            + "{\"vector\":[0.9,0.1,0.2],\"topK\":3},{\"vector\":[0.1,0.1,0.8]}]}";

    private void assertSameResults(HttpResponse expected, HttpResponse actual) throws Exception {
        JsonNode e = JsonBodies.MAPPER.readTree(expected.body());
        JsonNode a = JsonBodies.MAPPER.readTree(actual.body());
        assertEquals(3, e.get("results").size(), expected.bodyText());
        assertEquals(e.get("results").size(), a.get("results").size(), actual.bodyText());
        for (int q = 0; q < e.get("results").size(); q++) {
            JsonNode em = e.get("results").get(q).get("matches");
            JsonNode am = a.get("results").get(q).get("matches");
            assertEquals(em.size(), am.size(), "query " + q);
            for (int i = 0; i < em.size(); i++) {
                assertEquals(em.get(i).get("id").asText(), am.get(i).get("id").asText(), "query " + q + " rank " + i);
                assertEquals(
                        em.get(i).get("distance").asDouble(),
                        am.get(i).get("distance").asDouble(),
                        1e-5);
            }
        }
        assertEquals(e.get("version"), a.get("version"));
    }

    @Test
    void aBatchWhoseRowsTimesQueriesReachTheThresholdIsAnsweredOnTheGpu() throws Exception {
        HttpResponse expected = post(cpu, "/v1/namespaces/big/query", BATCH);
        // 50 rows x 3 queries = 150: one query alone (50) would stay on the CPU
        Gateway g = routed(150, CircuitBreaker.Config.defaults());
        assertEquals("cpu", post(g, "/v1/namespaces/big/query", QUERY).headers().get(GpuRouting.DEVICE_HEADER));
        HttpResponse r = post(g, "/v1/namespaces/big/query", BATCH);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("gpu", r.headers().get(GpuRouting.DEVICE_HEADER), "received " + received.get());
        assertEquals(1, received.get());
        assertSameResults(expected, r);
    }

    @Test
    void aSmallFilteredPastOrTextBatchStaysOnTheCpu() throws Exception {
        HttpResponse expected = post(cpu, "/v1/namespaces/big/query", BATCH);
        HttpResponse small = post(routed(151, CircuitBreaker.Config.defaults()), "/v1/namespaces/big/query", BATCH);
        assertEquals("cpu", small.headers().get(GpuRouting.DEVICE_HEADER), "150 rows x queries < 151");
        assertSameResults(expected, small);
        Gateway g = routed(10, CircuitBreaker.Config.defaults());
        for (String body : new String[] {
            "{\"queries\":[{\"vector\":[1,0,0]},{\"vector\":[0,1,0],\"filter\":{\"i\":{\"$lt\":5}}}]}",
            "{\"queries\":[{\"vector\":[1,0,0]},{\"vector\":[0,1,0]}],\"asOf\":{\"version\":1}}",
            "{\"queries\":[{\"vector\":[1,0,0]},{\"id\":\"v3\"}]}"
        }) {
            HttpResponse r = post(g, "/v1/namespaces/big/query", body);
            assertEquals(200, r.status(), r.bodyText());
            assertEquals("cpu", r.headers().get(GpuRouting.DEVICE_HEADER), body);
        }
        assertEquals(0, received.get(), "the GPU service saw none of them");
    }

    @Test
    void everyGpuFailureOfABatchIsAnsweredOnTheCpuAtOnce() throws Exception {
        HttpResponse expected = post(cpu, "/v1/namespaces/big/query", BATCH);
        Mode[] modes = {Mode.FAILING, Mode.NO_GPU, Mode.UNKNOWN_NAMESPACE, Mode.SLOW};
        for (Mode m : modes) {
            mode.set(m);
            Duration timeout = m == Mode.SLOW ? Duration.ofMillis(500) : Duration.ofSeconds(30);
            HttpResponse r =
                    post(routed(10, CircuitBreaker.Config.defaults(), timeout), "/v1/namespaces/big/query", BATCH);
            assertEquals(200, r.status(), m + ": " + r.bodyText());
            assertEquals("cpu", r.headers().get(GpuRouting.DEVICE_HEADER), m.toString());
            assertSameResults(expected, r);
        }
        assertEquals(modes.length, received.get(), "each batch was offered to the service once, then the CPU");
    }

    @Test
    void everyGpuFailureIsAnsweredOnTheCpuAtOnce() throws Exception {
        HttpResponse expected = post(cpu, "/v1/namespaces/big/query", QUERY);
        for (Mode m : new Mode[] {Mode.FAILING, Mode.NO_GPU, Mode.UNKNOWN_NAMESPACE, Mode.SLOW}) {
            mode.set(m);
            // the slow service answers only when the test ends, so only its timeout is short: any would do
            Duration timeout = m == Mode.SLOW ? Duration.ofMillis(500) : Duration.ofMinutes(2);
            HttpResponse r =
                    post(routed(10, CircuitBreaker.Config.defaults(), timeout), "/v1/namespaces/big/query", QUERY);
            assertEquals(200, r.status(), m + ": " + r.bodyText());
            assertEquals("cpu", r.headers().get(GpuRouting.DEVICE_HEADER), m.toString());
            assertSameMatches(expected, r);
        }
    }

    /** A breaker that opens after two failed calls in a row and stays open 30 s (then lets one trial through). */
    private static CircuitBreaker.Config opensAfterTwoFailures() {
        return CircuitBreaker.Config.builder()
                .windowSize(2)
                .minimumCalls(2)
                .halfOpenCalls(1)
                .openDuration(Duration.ofSeconds(30))
                .build();
    }

    @Test
    void theBreakerOpensOnFailuresAndHalfOpensOnItsClock() {
        CircuitBreaker.Config config = opensAfterTwoFailures();
        Gateway g = routed(10, config);
        mode.set(Mode.FAILING);
        post(g, "/v1/namespaces/big/query", QUERY);
        post(g, "/v1/namespaces/big/query", QUERY);
        assertEquals(2, received.get());
        mode.set(Mode.HEALTHY);
        assertEquals("cpu", post(g, "/v1/namespaces/big/query", QUERY).headers().get(GpuRouting.DEVICE_HEADER));
        assertEquals(2, received.get(), "open: the service is not called");
        clock.advance(Duration.ofSeconds(31));
        assertEquals(
                "gpu",
                post(g, "/v1/namespaces/big/query", QUERY).headers().get(GpuRouting.DEVICE_HEADER),
                "half-open: a trial goes through and succeeds");
        assertEquals("gpu", post(g, "/v1/namespaces/big/query", QUERY).headers().get(GpuRouting.DEVICE_HEADER));
        assertTrue(received.get() >= 4);
    }

    /**
     * A private service that refuses the caller (no invoker role, a wrong audience) refuses every routed call: the
     * breaker counts the refusals and opens, so the CPU answers without the round trip. (The refusal's body, which
     * may echo the credential, is not kept in the failure's message.)
     */
    @Test
    void aServiceThatRefusesTheCallerOpensTheBreaker() {
        CircuitBreaker.Config config = opensAfterTwoFailures();
        mode.set(Mode.REFUSED);
        Gateway g = routed(10, config);
        for (int i = 0; i < 4; i++) {
            assertEquals(
                    "cpu", post(g, "/v1/namespaces/big/query", QUERY).headers().get(GpuRouting.DEVICE_HEADER));
        }
        assertEquals(2, received.get(), "two refusals open the breaker: the next calls stay on the CPU");
    }

    @Test
    void aNamespaceTheServiceCannotSeeDoesNotOpenTheBreaker() {
        CircuitBreaker.Config config = opensAfterTwoFailures();
        Gateway g = routed(10, config);
        mode.set(Mode.UNKNOWN_NAMESPACE);
        for (int i = 0; i < 4; i++) {
            post(g, "/v1/namespaces/big/query", QUERY);
        }
        assertEquals(4, received.get(), "a 404 is not the service's fault: the breaker stays closed");
    }

    private GpuRouting routing(int minDocuments, Duration timeout) {
        return GpuRouting.builder(
                        URI.create("http://127.0.0.1:" + service.getAddress().getPort()),
                        new CircuitBreaker(
                                "gpu-service", CircuitBreaker.Config.defaults(), clock, GpuRouting::isFailure))
                .minDocuments(minDocuments)
                .timeout(timeout)
                .build();
    }

    /** Ingests {@code n} one-chunk documents through a {@link DocumentIndex} that offers them to {@code routing}. */
    private void ingest(GpuRouting routing, int n) {
        DocumentIndex index = new DocumentIndex(
                namespaces,
                name -> WordEmbedder.immediate(),
                "words",
                new Chunker.Options(16, 2),
                DocumentIndex.Limits.defaults(),
                routing);
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs.add(new Document("d" + i, "document number " + i, Map.of(), null));
        }
        assertEquals(n, index.upsert("docs", docs, null, null).chunks());
    }

    private void assertStored(float[] expected, int n) {
        for (int i = 0; i < n; i++) {
            assertArrayEquals(
                    expected,
                    namespaces.get("docs", DocumentIndex.chunkId("d" + i, 0)).values(),
                    1e-6f,
                    "d" + i);
        }
    }

    /** A vector query on a namespace of document chunks stays on the CPU: its matches carry documentId and text. */
    @Test
    void aVectorQueryOnDocumentChunksStaysOnTheCpu() throws Exception {
        ingest(routing(1_000, Duration.ofMinutes(2)), 3);
        float[] v = namespaces.get("docs", DocumentIndex.chunkId("d0", 0)).values();
        HttpResponse r = post(
                routed(1, CircuitBreaker.Config.defaults()),
                "/v1/namespaces/docs/query",
                "{\"vector\":" + JsonBodies.MAPPER.writeValueAsString(v) + ",\"topK\":1}");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("cpu", r.headers().get(GpuRouting.DEVICE_HEADER));
        assertEquals(
                "d0",
                JsonBodies.MAPPER
                        .readTree(r.body())
                        .get("matches")
                        .get(0)
                        .get("documentId")
                        .asText());
        assertEquals(0, received.get(), "the GPU service saw no query");
    }

    @Test
    void aLargeIngestIsEmbeddedOnTheGpuWithTheServicesVectors() {
        ingest(routing(4, Duration.ofSeconds(30)), 5);
        assertEquals(List.of(5), embedInputs, "one request with every chunk");
        assertStored(SERVICE_VECTOR, 5);
    }

    @Test
    void anIngestPastTheServicesInputLimitIsSentInSlices() {
        int n = GpuRouting.MAX_EMBED_INPUTS + 10;
        ingest(routing(4, Duration.ofSeconds(30)), n);
        assertEquals(List.of(GpuRouting.MAX_EMBED_INPUTS, 10), embedInputs);
        assertStored(SERVICE_VECTOR, n);
    }

    @Test
    void aSmallIngestIsEmbeddedOnTheCpu() {
        ingest(routing(6, Duration.ofSeconds(30)), 5);
        assertEquals(0, received.get(), "5 chunks < 6: the service saw nothing");
        assertStored(new float[] {1, 0}, 5);
    }

    @Test
    void anotherModelOnTheServiceIsRefusedAndTheCpuEmbeds() {
        serviceModel.set("all-MiniLM-L6-v2");
        ingest(routing(1, Duration.ofSeconds(30)), 3);
        assertEquals(1, received.get());
        assertStored(new float[] {1, 0}, 3);
    }

    @Test
    void everyGpuFailureOfAnIngestIsEmbeddedOnTheCpuAtOnce() {
        for (Mode m : new Mode[] {Mode.FAILING, Mode.NO_GPU, Mode.UNKNOWN_NAMESPACE, Mode.SLOW}) {
            mode.set(m);
            int before = received.get();
            ingest(routing(1, m == Mode.SLOW ? Duration.ofMillis(500) : Duration.ofSeconds(30)), 3);
            assertEquals(before + 1, received.get(), m + ": offered to the service once");
            assertStored(new float[] {1, 0}, 3);
        }
        assertEquals(List.of(), embedInputs, "no answer came from the service");
    }

    @Test
    void aNonNumericOrNonFiniteValueInAnEmbeddingIsRefused() {
        GpuRouting routing = routing(1, Duration.ofMinutes(2));
        for (String bad : new String[] {"\"0.8\"", "null", "{}", "1e999"}) {
            secondValue.set(bad);
            assertTrue(routing.embed("words", 2, List.of("a b", "c")).isEmpty(), bad + " is not stored as a number");
        }
        secondValue.set(null);
        assertEquals(0.8f, routing.embed("words", 2, List.of("a b", "c")).orElseThrow()[1][1]);
    }

    /**
     * A long ingest is many requests, each through the breaker on its own: several slices that together take longer
     * than the breaker's slow-call bound do not count as one slow call against the breaker that queries share.
     */
    @Test
    void aLongIngestIsNotOneSlowCallAgainstTheSharedBreaker() {
        CircuitBreaker breaker = new CircuitBreaker(
                "gpu-service",
                CircuitBreaker.Config.builder()
                        .minimumCalls(1)
                        .windowSize(1)
                        .slowCall(Duration.ofSeconds(5))
                        .slowCallRate(0.5)
                        .build(),
                clock,
                GpuRouting::isFailure);
        GpuRouting routing = GpuRouting.builder(
                        URI.create("http://127.0.0.1:" + service.getAddress().getPort()), breaker)
                .minDocuments(1)
                .timeout(Duration.ofMinutes(2))
                .build();
        embedTakes.set(Duration.ofSeconds(3)); // three slices: 9 s in all, 3 s each
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2 * GpuRouting.MAX_EMBED_INPUTS + 1; i++) {
            texts.add("chunk " + i);
        }
        assertEquals(texts.size(), routing.embed("words", 2, texts).orElseThrow().length);
        assertEquals(3, embedInputs.size());
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "no call was slow");
    }

    @Test
    void theGpuAnswerIsCheckedAgainstTheModelsDimension() {
        // the service answers 2 dimensions; a model of 3 refuses them (a malformed answer is the service's fault)
        GpuRouting routing = routing(1, Duration.ofSeconds(30));
        assertTrue(routing.embed("words", 3, List.of("a b", "c")).isEmpty());
        assertEquals(2, routing.embed("words", 2, List.of("a b", "c")).orElseThrow().length);
    }

    private GpuRouting withCredentials(GpuCredentials credentials, CircuitBreaker breaker) {
        return GpuRouting.builder(
                        URI.create("http://127.0.0.1:" + service.getAddress().getPort()), breaker)
                .minWork(10)
                .minDocuments(1)
                .timeout(Duration.ofMinutes(2))
                .credentials(credentials)
                .build();
    }

    @Test
    void everyRequestCarriesTheCredentialsAuthorizationAskedForEachTime() {
        AtomicInteger asked = new AtomicInteger();
        GpuRouting routing = withCredentials(
                () -> Optional.of("Bearer token-" + asked.incrementAndGet()),
                new CircuitBreaker("gpu-service", CircuitBreaker.Config.defaults(), clock, GpuRouting::isFailure));
        Gateway g = Gateway.builder(namespaces).gpu(routing).build();
        assertEquals("gpu", post(g, "/v1/namespaces/big/query", QUERY).headers().get(GpuRouting.DEVICE_HEADER));
        assertEquals("gpu", post(g, "/v1/namespaces/big/query", BATCH).headers().get(GpuRouting.DEVICE_HEADER));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < GpuRouting.MAX_EMBED_INPUTS + 1; i++) {
            texts.add("chunk " + i);
        }
        assertTrue(routing.embed("words", 2, texts).isPresent());
        assertEquals(
                List.of("Bearer token-1", "Bearer token-2", "Bearer token-3", "Bearer token-4"),
                authorizations,
                "a query, a batch and two slices to embed, each with the header the credentials gave for it");
    }

    @Test
    void withoutCredentialsNoAuthorizationHeaderIsSent() {
        post(routed(10, CircuitBreaker.Config.defaults()), "/v1/namespaces/big/query", QUERY);
        routing(1, Duration.ofMinutes(2)).embed("words", 2, List.of("a", "b"));
        assertEquals(List.of("none", "none"), authorizations);
    }

    @Test
    void aCredentialThatCannotBeHadIsAnsweredOnTheCpuAndCountsAgainstTheBreaker() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        CircuitBreaker breaker = new CircuitBreaker(
                "gpu-service",
                CircuitBreaker.Config.builder()
                        .windowSize(3)
                        .minimumCalls(3)
                        .halfOpenCalls(1)
                        .openDuration(Duration.ofSeconds(30))
                        .build(),
                clock,
                GpuRouting::isFailure);
        GpuRouting routing = withCredentials(
                () -> {
                    asked.incrementAndGet();
                    throw new GpuCredentialsException("the metadata server answered 500");
                },
                breaker);
        Gateway g = Gateway.builder(namespaces).gpu(routing).build();
        HttpResponse expected = post(cpu, "/v1/namespaces/big/query", QUERY);
        HttpResponse r = post(g, "/v1/namespaces/big/query", QUERY);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("cpu", r.headers().get(GpuRouting.DEVICE_HEADER));
        assertSameMatches(expected, r);
        HttpResponse batch = post(g, "/v1/namespaces/big/query", BATCH);
        assertEquals("cpu", batch.headers().get(GpuRouting.DEVICE_HEADER));
        assertSameResults(post(cpu, "/v1/namespaces/big/query", BATCH), batch);
        assertTrue(routing.embed("words", 2, List.of("a", "b")).isEmpty(), "the CPU embeds");
        assertEquals(0, received.get(), "nothing was sent without its credential");
        assertEquals(3, asked.get());
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "three credential failures opened the breaker");
        post(g, "/v1/namespaces/big/query", QUERY);
        assertEquals(3, asked.get(), "open: the credentials are not asked either");
    }
}
