package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.events.DeadLetters;
import dev.abi.events.EventProcessor;
import dev.abi.events.IndexResult;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectIndexer;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.FaultyObjectStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.testing.LogCapture;
import dev.abi.testing.SecretScan;
import dev.abi.testing.WordEmbedder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The secret audit of issue 15: a request carrying an {@code Authorization: Bearer} API key (or the bootstrap key)
 * that ends in a 500-class failure, or whose object is later dead-lettered, leaves the credential in nothing that is
 * written: no object of the state store (idempotency records, dead letters, API keys, namespaces) and no log record
 * (message, parameters or stack trace). The JSON log format is covered by {@code JsonLogSecretAuditHttpTest} in
 * {@code functions}.
 */
class SecretAuditTest {

    private static final String BOOTSTRAP = "bootstrap-key-0123456789abcdef";

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore state = new InMemoryObjectStore();
    private final InMemoryObjectStore bucket = new InMemoryObjectStore();
    /** The namespaces' store: fails every namespace write once armed, as a broken disk would. */
    private final FaultyObjectStore faulty = new FaultyObjectStore(state, 15);

    private final NamespaceService namespaces = new NamespaceService(new NamespaceStore(faulty));
    private final ObjectIndexer indexer = ObjectIndexer.builder(name -> bucket, namespaces)
            .idempotency(new ObjectMetadataStore(state, clock))
            .documents(new DocumentIndex(
                    namespaces,
                    model -> WordEmbedder.immediate(),
                    "words",
                    Chunker.Options.defaults(),
                    DocumentIndex.Limits.defaults()))
            .build();
    private final Gateway gateway = Gateway.builder(namespaces)
            .idempotency(new ObjectMetadataStore(state, clock))
            .security(new GatewaySecurity(
                    new Authenticator(true, BOOTSTRAP, new ApiKeys(state, clock), null), null, null, null))
            .objectIndexer(indexer)
            .clock(clock)
            .build();

    private final LogCapture capture = new LogCapture();
    private final List<String> logged = capture.lines;

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("").removeHandler(capture);
    }

    private HttpResponse post(String path, String body, String token, String idempotencyKey) {
        Map<String, String> headers = idempotencyKey == null
                ? Map.of("Authorization", "Bearer " + token)
                : Map.of("Authorization", "Bearer " + token, "Idempotency-Key", idempotencyKey);
        return gateway.handle(new HttpRequest("POST", path, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A new API key with these grants: the whole key, which holds the secret. */
    private String apiKey(String grants) throws Exception {
        HttpResponse r = post("/v1/admin/keys", "{\"name\":\"audit\",\"grants\":" + grants + "}", BOOTSTRAP, null);
        assertEquals(201, r.status(), r.bodyText());
        return JsonBodies.MAPPER.readTree(r.body()).get("key").asText();
    }

    /** Every object of the state store and every log record holds none of the credentials. */
    private void assertNothingWrittenHolds(String... credentials) {
        List<ObjectInfo> all = state.list("");
        assertFalse(all.isEmpty(), "something was written, so the scan below means something");
        for (String c : credentials) {
            assertTrue(c.length() >= 30, "a whole credential, not a fragment that could turn up by chance: " + c);
        }
        for (ObjectInfo o : all) {
            byte[] bytes = state.get(o.key()).orElseThrow().bytes();
            for (String c : credentials) {
                assertFalse(SecretScan.contains(bytes, c), o.key() + " holds a credential");
            }
        }
        synchronized (logged) {
            for (String line : logged) {
                for (String c : credentials) {
                    assertFalse(SecretScan.contains(line, c), "logged: " + line);
                }
            }
        }
    }

    @Test
    void aFiveHundredClassFailureKeepsTheCredentialOutOfTheStoreAndTheLog() throws Exception {
        String key = apiKey("[\"write:*\"]");
        String secret = SecretScan.apiKeySecret(key);
        faulty.before(c -> c.isPut() && c.key().startsWith("ns/"), Integer.MAX_VALUE, c -> {
            throw new IllegalStateException("disk on fire while writing " + c.key());
        });
        String upsert = "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}";
        for (String token : List.of(key, BOOTSTRAP)) {
            HttpResponse failed = post("/v1/namespaces/audit/vectors", upsert, token, "retry-" + token.length());
            assertTrue(failed.status() >= 500, failed.status() + " " + failed.bodyText());
            assertFalse(SecretScan.contains(failed.bodyText(), secret), failed.bodyText());
            assertFalse(SecretScan.contains(failed.bodyText(), BOOTSTRAP), failed.bodyText());
        }
        synchronized (logged) {
            assertTrue(
                    logged.stream().anyMatch(l -> l.contains("disk on fire")),
                    "the failure was logged with its cause, so the log scan means something: " + logged);
        }
        assertNothingWrittenHolds(key, secret, BOOTSTRAP);
    }

    @Test
    void aDeadLetteredPoisonObjectKeepsTheCredentialOutOfTheStoreAndTheLog() throws Exception {
        String key = apiKey("[\"write:*\"]");
        String secret = SecretScan.apiKeySecret(key);
        bucket.putIfAbsent(
                "docs/poison.jsonl", "{\"id\":\"x\",\"values\":[1,\"two\"]}\n".getBytes(StandardCharsets.UTF_8));
        // the writer asks for the poison object directly: a 400 naming it (recorded under its Idempotency-Key)
        HttpResponse direct =
                post("/indexObject", "{\"bucket\":\"handbook\",\"key\":\"docs/poison.jsonl\"}", key, "index-poison-1");
        assertEquals(400, direct.status(), direct.bodyText());
        // then the object's trigger event arrives: dead-lettered, one record
        IndexResult letter = new EventProcessor(indexer, new DeadLetters(state), clock)
                .process(new ObjectCreated(
                        "handbook", "docs/poison.jsonl", "e1", 32, Instant.ofEpochMilli(clock.millis())));
        assertEquals(IndexResult.Outcome.DEAD_LETTERED, letter.outcome(), letter.detail());
        // a poison document that holds the key itself (a config file committed by mistake, and malformed): its
        // dead letter and the log line that reports it name where the document is broken, not what it says
        bucket.putIfAbsent(
                "docs/config.json",
                ("{\"documents\":[{\"id\":\"c\",\"text\":\"x\"}],\"apiKey\":" + key + "}")
                        .getBytes(StandardCharsets.UTF_8));
        IndexResult config = new EventProcessor(indexer, new DeadLetters(state), clock)
                .process(new ObjectCreated(
                        "handbook", "docs/config.json", "e2", 80, Instant.ofEpochMilli(clock.millis())));
        assertEquals(IndexResult.Outcome.DEAD_LETTERED, config.outcome(), config.detail());
        assertTrue(config.detail().contains("docs/config.json"), config.detail());
        assertFalse(SecretScan.contains(config.detail(), secret), config.detail());
        assertEquals(2, new DeadLetters(state).list(10).size());
        // and a good object from the same writer, recorded under its Idempotency-Key
        bucket.putIfAbsent("docs/good.jsonl", "{\"id\":\"g\",\"values\":[1,0]}\n".getBytes(StandardCharsets.UTF_8));
        HttpResponse good =
                post("/indexObject", "{\"bucket\":\"handbook\",\"key\":\"docs/good.jsonl\"}", key, "index-good-1");
        assertEquals(200, good.status(), good.bodyText());
        assertTrue(
                state.list("").stream().anyMatch(o -> o.key().startsWith("idempotency/")),
                "the request was recorded, so the scan covers the record");
        assertTrue(
                state.list("").stream().anyMatch(o -> o.key().startsWith(DeadLetters.PREFIX)),
                "the dead letter is among the objects scanned");
        assertNothingWrittenHolds(key, secret, BOOTSTRAP);
    }
}
