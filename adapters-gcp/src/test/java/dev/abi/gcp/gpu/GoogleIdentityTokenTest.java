package dev.abi.gcp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.abi.gateway.GpuCredentials;
import dev.abi.gateway.GpuCredentialsException;
import dev.abi.gateway.GpuRouting;
import dev.abi.resilience.CircuitBreaker;
import dev.abi.store.MutableClock;
import dev.abi.testing.LogCapture;
import dev.abi.testing.SecretScan;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Google identity token on the GPU routing's requests, against two local servers: one standing in for the
 * metadata server (what {@code GCE_METADATA_HOST} names), one for the private GPU service, which answers only a
 * request that carries the token the metadata server gave for its URL.
 */
class GoogleIdentityTokenTest {

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);

    /** What the metadata server answers next: a status and a body. */
    private final AtomicReference<Integer> metadataStatus = new AtomicReference<>(200);

    private final AtomicReference<String> metadataBody = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final List<Map<String, String>> metadataRequests = new CopyOnWriteArrayList<>();
    private final List<String> serviceAuthorizations = new CopyOnWriteArrayList<>();
    private HttpServer metadata;
    private HttpServer service;

    private final LogCapture capture = new LogCapture();
    private final List<String> logged = capture.lines;

    private final Logger devAbi = Logger.getLogger("dev.abi");
    private Level devAbiLevel;

    @BeforeEach
    void start() throws Exception {
        metadata = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metadata.createContext("/computeMetadata/v1/instance/service-accounts/default/identity", exchange -> {
            fetches.incrementAndGet();
            Map<String, String> seen = new java.util.HashMap<>();
            for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                seen.put(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
            seen.put(
                    "Metadata-Flavor",
                    String.valueOf(exchange.getRequestHeaders().getFirst("Metadata-Flavor")));
            metadataRequests.add(seen);
            byte[] body = metadataBody.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(metadataStatus.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        metadata.start();
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/v1/embeddings", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            serviceAuthorizations.add(String.valueOf(authorization));
            byte[] body;
            int status;
            if (authorization != null && authorization.equals("Bearer " + issued.get())) {
                status = 200;
                body = ("{\"object\":\"list\",\"model\":\"m\",\"data\":["
                                + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[1,0]},"
                                + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0,1]}]}")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                // what Cloud Run answers a caller without roles/run.invoker
                status = 403;
                body = "Error: Forbidden. Your client does not have permission to get URL /v1/embeddings"
                        .getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();
        devAbiLevel = devAbi.getLevel();
        devAbi.setLevel(Level.ALL); // the debug lines too
        Logger.getLogger("").addHandler(capture);
        issue(Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
        devAbi.setLevel(devAbiLevel);
        metadata.stop(0);
        service.stop(0);
    }

    /** The token the metadata server hands out next, and the one the GPU service accepts. */
    private final AtomicReference<String> issued = new AtomicReference<>();

    private final AtomicInteger serial = new AtomicInteger();

    /** The metadata server hands out a new token (the GPU service accepts only it) that expires in {@code life}. */
    private String issue(Duration life) {
        long exp = clock.instant().plus(life).getEpochSecond();
        String token = jwt("{\"alg\":\"RS256\",\"typ\":\"JWT\"}")
                + "."
                + jwt("{\"aud\":\"" + serviceUrl() + "\",\"exp\":" + exp + ",\"iat\":"
                        + clock.instant().getEpochSecond() + ",\"iss\":\"https://accounts.google.com\"}")
                + ".signature-" + serial.incrementAndGet() + "-0123456789abcdefghijklmnopqrstuvwxyz";
        issued.set(token);
        metadataBody.set(token);
        metadataStatus.set(200);
        return token;
    }

    private static String jwt(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private String serviceUrl() {
        return "http://127.0.0.1:" + service.getAddress().getPort();
    }

    private Map<String, String> env() {
        return Map.of(
                GoogleIdentityToken.METADATA_HOST_VARIABLE,
                "127.0.0.1:" + metadata.getAddress().getPort());
    }

    /** What the GCP package wires for {@code abi.gpu.url} (here with a trailing path) and the default auth. */
    private GpuCredentials credentials() {
        return GcpGpuBeans.credentials(
                Optional.of(serviceUrl() + "/"), "google", Optional.empty(), Duration.ofMinutes(2), env(), clock);
    }

    private CircuitBreaker breaker() {
        return new CircuitBreaker("gpu-service", CircuitBreaker.Config.defaults(), clock, GpuRouting::isFailure);
    }

    private GpuRouting routing(GpuCredentials credentials, CircuitBreaker breaker) {
        return GpuRouting.builder(URI.create(serviceUrl()), breaker)
                .minDocuments(1)
                .timeout(Duration.ofMinutes(2))
                .credentials(credentials)
                .build();
    }

    private static final List<String> TEXTS = List.of("a b", "c");

    @Test
    void thePrivateServiceSeesTheBearerTokenAskedForItsUrl() {
        String token = issued.get();
        Optional<float[][]> vectors = routing(credentials(), breaker()).embed("m", 2, TEXTS);
        assertTrue(vectors.isPresent(), "the service accepted the token: " + serviceAuthorizations);
        assertEquals(List.of("Bearer " + token), serviceAuthorizations);
        assertEquals(1, metadataRequests.size());
        Map<String, String> asked = metadataRequests.get(0);
        assertEquals(serviceUrl(), asked.get("audience"), "the audience is the service's URL, without a path");
        assertEquals("full", asked.get("format"));
        assertEquals("Google", asked.get("Metadata-Flavor"));
    }

    @Test
    void withoutTheTokenThePrivateServiceRefusesAndTheCpuEmbeds() {
        assertTrue(routing(GpuCredentials.NONE, breaker()).embed("m", 2, TEXTS).isEmpty());
        assertEquals(List.of("null"), serviceAuthorizations, "asked once, without a credential, and refused");
    }

    @Test
    void theTokenIsFetchedOnceAndReusedUntilNearItsExpiryThenFetchedAgain() {
        GoogleIdentityToken tokens = GoogleIdentityToken.builder(serviceUrl())
                .environment(env())
                .clock(clock)
                .refreshBefore(Duration.ofMinutes(5))
                .build();
        String first = issued.get();
        GpuRouting routing = routing(tokens, breaker());
        assertTrue(routing.embed("m", 2, TEXTS).isPresent());
        clock.advance(Duration.ofMinutes(30));
        assertTrue(routing.embed("m", 2, TEXTS).isPresent());
        clock.advance(Duration.ofMinutes(24).plusSeconds(59));
        assertEquals(Optional.of("Bearer " + first), tokens.authorization(), "5 min 1 s before exp: still kept");
        assertEquals(1, fetches.get(), "one fetch for every call within the token's life less 5 minutes");

        String second = issue(Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(1)); // exactly 5 minutes before the first token's exp
        assertTrue(routing.embed("m", 2, TEXTS).isPresent(), "the service accepts only the new token");
        assertEquals(Optional.of("Bearer " + second), tokens.authorization());
        assertEquals(2, fetches.get());
        assertEquals(List.of("Bearer " + first, "Bearer " + first, "Bearer " + second), serviceAuthorizations);
    }

    @Test
    void aTokenThatExpiresWithinTheMarginServesOneRequestOnly() {
        issue(Duration.ofMinutes(2));
        GpuCredentials tokens = credentials();
        tokens.authorization();
        tokens.authorization();
        assertEquals(2, fetches.get());
    }

    @Test
    void aMetadataFailureSendsTheCallToTheCpu() {
        GpuRouting routing = routing(credentials(), breaker());
        metadataStatus.set(500);
        metadataBody.set("internal error");
        assertTrue(routing.embed("m", 2, TEXTS).isEmpty(), "a 500 of the metadata server");
        metadataStatus.set(200);
        metadataBody.set("not-a-jwt");
        assertTrue(routing.embed("m", 2, TEXTS).isEmpty(), "a token that is not a JWT");
        issue(Duration.ofSeconds(-1));
        assertTrue(routing.embed("m", 2, TEXTS).isEmpty(), "an expired token");
        assertEquals(List.of(), serviceAuthorizations, "nothing was sent to the service without its token");
        assertEquals(3, fetches.get());

        issue(Duration.ofHours(1));
        assertTrue(routing.embed("m", 2, TEXTS).isPresent(), "the metadata server is back: the GPU embeds again");
    }

    @Test
    void anUnreachableMetadataServerSendsTheCallToTheCpu() {
        metadata.stop(0);
        GpuRouting routing = routing(credentials(), breaker());
        assertTrue(routing.embed("m", 2, TEXTS).isEmpty());
        assertEquals(List.of(), serviceAuthorizations);
    }

    @Test
    void theTokenIsInNoLogLineNorMessage() {
        String token = issued.get();
        GpuRouting routing = routing(credentials(), breaker());
        assertTrue(routing.embed("m", 2, TEXTS).isPresent());
        issued.set("another-token-0123456789abcdefghijklmnopqrstuvwxyz"); // the service now wants another one
        assertTrue(routing.embed("m", 2, TEXTS).isEmpty(), "403: the CPU embeds");
        metadataBody.set(token.substring(0, token.indexOf('.')) + ".{broken." + "signature-x-0123456789abcdef");
        GpuCredentialsException e = assertThrows(
                GpuCredentialsException.class,
                () -> GcpGpuBeans.credentials(
                                Optional.of(serviceUrl()),
                                "google",
                                Optional.empty(),
                                Duration.ofMinutes(2),
                                env(),
                                clock)
                        .authorization());
        clock.advance(Duration.ofHours(2)); // the kept token is due: the broken one is fetched and refused
        assertTrue(routing.embed("m", 2, TEXTS).isEmpty());
        assertFalse(e.getMessage().contains("broken"), e.getMessage());

        synchronized (logged) {
            assertTrue(logged.stream().anyMatch(l -> l.contains("identity token")), "the fetch was logged: " + logged);
            assertTrue(logged.stream().anyMatch(l -> l.contains("403")), "the refusal was logged: " + logged);
            for (String line : logged) {
                for (String secret : new String[] {token, "signature-"}) {
                    assertFalse(SecretScan.contains(line, secret), "a log line holds a token: " + line);
                }
            }
        }
        assertFalse(credentials().toString().contains("signature-"));
    }

    @Test
    void theJwtsExpiryIsReadAndAMalformedOneNamesNoPartOfIt() {
        String token = issued.get();
        assertEquals(
                clock.instant().plus(Duration.ofHours(1)).getEpochSecond(),
                GoogleIdentityToken.expiry(token).getEpochSecond());
        for (String bad : new String[] {
            "only.two",
            "a.%%%%.c-secret-part",
            jwt("{}") + "." + jwt("{\"exp\":\"soon\"}") + ".secret-part",
            jwt("{}") + "." + jwt("[1,2]") + ".secret-part"
        }) {
            GpuCredentialsException e =
                    assertThrows(GpuCredentialsException.class, () -> GoogleIdentityToken.expiry(bad), bad);
            assertFalse(e.getMessage().contains("secret-part") || e.getMessage().contains("soon"), e.getMessage());
        }
        assertEquals(Instant.ofEpochSecond(1), GoogleIdentityToken.expiry(jwt("{}") + "." + jwt("{\"exp\":1}") + ".s"));
    }

    @Test
    void theGcpPackageWiresATokenOnlyForAUrlAndGoogleAuth() {
        assertSame(
                GpuCredentials.NONE,
                GcpGpuBeans.credentials(Optional.empty(), "google", Optional.empty(), Duration.ZERO, env(), clock));
        assertSame(
                GpuCredentials.NONE,
                GcpGpuBeans.credentials(
                        Optional.of(serviceUrl()), "none", Optional.empty(), Duration.ZERO, env(), clock));
        IllegalStateException bad = assertThrows(
                IllegalStateException.class,
                () -> GcpGpuBeans.credentials(
                        Optional.of(serviceUrl()), "aws", Optional.empty(), Duration.ZERO, env(), clock));
        assertTrue(bad.getMessage().contains("abi.gpu.auth"), bad.getMessage());
        assertEquals("https://abi-gpu-xyz.a.run.app", GcpGpuBeans.origin("https://abi-gpu-xyz.a.run.app/v1/"));
        IllegalStateException relative =
                assertThrows(IllegalStateException.class, () -> GcpGpuBeans.origin("abi-gpu-xyz.a.run.app"));
        assertTrue(relative.getMessage().contains("abi.gpu.url"), relative.getMessage());
    }

    @Test
    void aCustomAudienceIsAskedForInsteadOfTheUrl() {
        GcpGpuBeans.credentials(
                        Optional.of(serviceUrl()),
                        "google",
                        Optional.of("https://gpu.example.com"),
                        Duration.ofMinutes(2),
                        env(),
                        clock)
                .authorization();
        assertEquals("https://gpu.example.com", metadataRequests.get(0).get("audience"));
    }

    @Test
    void withoutTheVariableTheMetadataHostIsGooglesOwn() {
        assertTrue(GoogleIdentityToken.builder("https://x.a.run.app")
                .environment(Map.of())
                .build()
                .toString()
                .contains(GoogleIdentityToken.DEFAULT_METADATA_HOST));
    }
}
