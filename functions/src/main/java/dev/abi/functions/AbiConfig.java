package dev.abi.functions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of every ABI deployment, under the {@code abi.} prefix. */
@ConfigMapping(prefix = "abi")
public interface AbiConfig {

    /** Directory of the embedded default: the local object store lives here. Keep this name: scripts rely on it. */
    @WithName("data-dir")
    @WithDefault("./data")
    String dataDir();

    /**
     * Whether the Vert.x route to the gateway is built in (build time): on for the local server and Google Cloud
     * Functions, off where the provider runtime calls the gateway directly (Lambda, Azure).
     */
    @WithName("vertx-route")
    @WithDefault("true")
    boolean vertxRoute();

    /**
     * Directory of GGUF models for the OpenAI-compatible routes and the documents routes: every {@code *.gguf} file
     * is served under its file name without {@code .gguf}. Several directories may be given, separated by commas.
     * Keep this name: checks outside the repository rely on it.
     */
    @WithName("models-dir")
    @WithDefault("./models")
    String modelsDir();

    /** Text in: the embedding model and chunk sizes of the documents routes and text queries. */
    Embedding embedding();

    /** Defaults of the documents routes. */
    interface Embedding {
        /** The embedding model used when a request names none (a served model name). */
        @WithDefault("all-MiniLM-L6-v2")
        String model();

        /** Chunk window in model tokens. */
        @WithName("window-tokens")
        @WithDefault("256")
        int windowTokens();

        /** Tokens each chunk repeats from the end of the one before. */
        @WithName("overlap-tokens")
        @WithDefault("32")
        int overlapTokens();

        /** CSV files: the column with the text. */
        @WithName("csv-text-column")
        @WithDefault("text")
        String csvTextColumn();

        /** CSV files: the column with the document id. */
        @WithName("csv-id-column")
        @WithDefault("id")
        String csvIdColumn();
    }

    /** Event-triggered indexing: which namespace a bucket's objects go to, and how big a file may be. */
    Indexing indexing();

    /** Settings of event-triggered indexing. */
    interface Indexing {
        /**
         * Rules {@code <bucket>[/<prefix>]=<namespace or {folder}>}, comma-separated; the most specific wins. The
         * default puts {@code docs/a.md} of any bucket into namespace {@code docs}. See {@code NamespaceMapping}.
         */
        @WithDefault("*={folder}")
        String mapping();

        /** Objects larger than this are dead-lettered without being read. */
        @WithName("max-object-bytes")
        @WithDefault("67108864")
        long maxObjectBytes();
    }

    /**
     * Models kept as objects in the state store, by name: {@code abi.models.<name>.key} and
     * {@code abi.models.<name>.sha256}. Each is fetched once per instance to a temporary file and checked.
     */
    Map<String, StoredModel> models();

    /** A model kept as an object. */
    interface StoredModel {
        /** Its key in the state store. */
        String key();

        /** Its SHA-256, hex: a fetched copy that does not match is refused. */
        String sha256();
    }

    /** Where durable state lives. */
    Store store();

    /** Where leases, head hints and idempotency records live (a cache and coordinator, never the truth). */
    Metadata metadata();

    /** How reads check this instance's state of a namespace against the commit log (docs/storage.md, "Reads"). */
    Read read();

    /** Read freshness. */
    interface Read {
        /**
         * What a read that names none gets: {@code strong} (sees every write acknowledged anywhere before it began;
         * one GET of the next log slot) or {@code eventual} (may be answered from the instance's state with no store
         * call while it is at most {@code max-staleness} old). A query body's {@code "consistency"} overrides it.
         */
        @WithDefault("strong")
        String consistency();

        /** How stale an eventual read may be: how long after its last check the instance's state still answers. */
        @WithName("max-staleness")
        @WithDefault("250ms")
        Duration maxStaleness();

        /**
         * How often an instance reads the namespace config again and lists the log instead of only probing the next
         * slot (capped at half the GC grace period): how long a lost log slot, or a change of config alone, goes
         * unseen by reads.
         */
        @WithName("full-check-every")
        @WithDefault("60s")
        Duration fullCheckEvery();
    }

    /**
     * The GPU service (gpu-container) that large exact queries and large document ingests go to first; unset,
     * everything runs on the CPU.
     */
    Gpu gpu();

    /** Routing to the GPU service. */
    interface Gpu {
        /** Base URL of the GPU service, e.g. {@code https://abi-gpu-xyz.a.run.app}; unset: no routing. */
        Optional<String> url();

        /** Rows times queries from which a query goes to the GPU (default 1,000,000). */
        @WithName("min-work")
        @WithDefault("1000000")
        long minWork();

        /**
         * Chunks in one document ingest (a documents request or an indexed object) from which they are embedded on
         * the GPU service's {@code /v1/embeddings} (default 256), provided it runs the model the CPU would use.
         */
        @WithName("min-documents")
        @WithDefault("256")
        int minDocuments();

        /** How long a GPU answer (a query, or one slice of 256 inputs to embed) may take before the CPU answers instead (default 2 s). */
        @WithDefault("2S")
        Duration timeout();

        /**
         * The credential on each request to the service: {@code google} (the default), a Google identity token from
         * the metadata server whose audience is the service's URL, which a private Cloud Run service accepts; or
         * {@code none}, for a service that lets anyone call it. Read by the Google Cloud Functions package only;
         * the others send none (a private Cloud Run service from AWS or Azure would need Workload Identity
         * Federation, not built).
         */
        @WithDefault("google")
        String auth();

        /**
         * The audience of the identity token when it is not the service's URL ({@code scheme://host[:port]} of
         * {@code url}), e.g. a Cloud Run custom audience.
         */
        Optional<String> audience();
    }

    /** Authentication of the HTTP API. */
    Auth auth();

    /** How much model work one request may ask for; see {@code dev.abi.budget.ComputeBudget}. */
    Budget budget();

    /** The compute budget of one request; a request over it is refused with 413 naming the field. */
    interface Budget {
        /** Most inputs of one {@code /v1/embeddings} request. */
        @WithName("max-embedding-inputs")
        @WithDefault("2048")
        int maxEmbeddingInputs();

        /** Most tokens (markers included) of all inputs of one {@code /v1/embeddings} request. */
        @WithName("max-embedding-tokens")
        @WithDefault("65536")
        int maxEmbeddingTokens();

        /** Most tokens of all chunks of one documents request. */
        @WithName("max-document-tokens")
        @WithDefault("65536")
        int maxDocumentTokens();

        /** Longest completion prompt, or all chat message contents together, in characters (before tokenizing). */
        @WithName("max-prompt-chars")
        @WithDefault("262144")
        int maxPromptChars();

        /** Most messages of one chat request. */
        @WithName("max-messages")
        @WithDefault("2048")
        int maxMessages();
    }

    /** The HTTP listener. */
    Http http();

    /** Where the HTTP server listens (read by {@link ListenHostInterceptor} before Quarkus starts it). */
    interface Http {
        /**
         * The interface to listen on. Unset (and {@code quarkus.http.host} unset), the server listens on 127.0.0.1
         * while authentication is off and on 0.0.0.0 with authentication on.
         */
        Optional<String> host();
    }

    /** The log lines. */
    Log log();

    /** How log lines are written (read by {@link LogFormatInterceptor} before Quarkus configures logging). */
    interface Log {
        /**
         * {@code text} (the default): the console format of {@code quarkus.log.console.format}; {@code json}: one JSON
         * object per line, with the request id (MDC) as a field and a stack trace inside its line.
         */
        @WithDefault("text")
        String format();
    }

    /** Largest accepted request body in bytes (default 6 MB, AWS Lambda's payload limit). */
    @WithName("max-body-bytes")
    @WithDefault("6291456")
    long maxBodyBytes();

    /**
     * How many namespaces the deployment may hold (default 10,000); creating one more answers 409 {@code
     * quota-exceeded}.
     */
    @WithName("max-namespaces")
    @WithDefault("10000")
    int maxNamespaces();

    /** Object store settings. */
    interface Store {
        /** {@code local} (files under data-dir), {@code memory}, or a cloud kind its adapter adds ({@code s3}). */
        @WithDefault("local")
        String kind();

        /** Bucket (or container) holding the state, for cloud kinds. */
        Optional<String> bucket();

        /** Endpoint override for cloud kinds, e.g. an emulator URL. */
        Optional<String> endpoint();

        /** Region for cloud kinds. */
        Optional<String> region();

        /**
         * For {@code azure-blob}: the storage account's connection string. Unset, the function's environment gives
         * it ({@code ABI_STORAGE_CONNECTION_STRING}, else {@code AzureWebJobsStorage}).
         */
        @WithName("connection-string")
        Optional<String> connectionString();
    }

    /** Metadata store settings. */
    interface Metadata {
        /** {@code object-store} (beside the data, the default) or {@code dynamodb} (adapters-aws). */
        @WithDefault("object-store")
        String kind();

        /** DynamoDB table name, for {@code dynamodb}. */
        Optional<String> table();

        /** Endpoint override, e.g. DynamoDB Local. */
        Optional<String> endpoint();

        /** Whether to create the table when it is missing (emulators and first runs; off in the cloud). */
        @WithName("create-table")
        @WithDefault("false")
        boolean createTable();
    }

    /** Authentication settings. */
    interface Auth {
        /**
         * Whether requests must carry credentials. Off on the embedded default (a warning is logged); on in every
         * cloud packaging. Keep this name: checks outside the repository rely on it.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * An admin API key accepted as is, for first setup (create real keys with it, then remove it). Keep this
         * name: checks outside the repository rely on it.
         */
        @WithName("bootstrap-key")
        Optional<String> bootstrapKey();

        /** JWT bearer tokens. */
        Jwt jwt();
    }

    /**
     * JWT verification: HS256 secret, a PEM public key, a static JWKS file and/or a remote JWKS (a URL, or found by
     * OIDC discovery from the issuer) that follows the identity provider's key rotation.
     */
    interface Jwt {
        /** Required {@code iss}, if set; required for OIDC discovery. */
        Optional<String> issuer();

        /** Required member of {@code aud}; mandatory with any public key, JWKS file or JWKS URL. */
        Optional<String> audience();

        /** HS256 shared secret (at least 32 bytes). */
        @WithName("hs256-secret")
        Optional<String> hs256Secret();

        /** A PEM file with an RSA or P-256 public key. */
        @WithName("public-key-file")
        Optional<String> publicKeyFile();

        /** A static JWKS file. */
        @WithName("jwks-file")
        Optional<String> jwksFile();

        /** The identity provider's JWKS URL ({@code jwks_uri}), HTTPS; fetched on first use and cached. */
        @WithName("jwks-url")
        Optional<String> jwksUrl();

        /** Find the JWKS URL from {@code <issuer>/.well-known/openid-configuration} instead of {@code jwks-url}. */
        @WithName("oidc-issuer-discovery")
        @WithDefault("false")
        boolean oidcIssuerDiscovery();

        /** Connect timeout of JWKS and discovery requests. */
        @WithName("jwks-connect-timeout")
        @WithDefault("2S")
        Duration jwksConnectTimeout();

        /** Read timeout of JWKS and discovery requests. */
        @WithName("jwks-read-timeout")
        @WithDefault("3S")
        Duration jwksReadTimeout();

        /** How long fetched JWKS keys are used before being fetched again. */
        @WithName("jwks-cache-ttl")
        @WithDefault("10M")
        Duration jwksCacheTtl();

        /** Least time between two JWKS fetches (a token with an unknown kid asks for one). */
        @WithName("jwks-min-refresh-interval")
        @WithDefault("30S")
        Duration jwksMinRefreshInterval();

        /** How long past the cache TTL the last keys stay in use while the JWKS endpoint is unreachable. */
        @WithName("jwks-outage-tolerance")
        @WithDefault("1H")
        Duration jwksOutageTolerance();

        /** Accepted clock skew for exp, nbf and iat (at most 300). */
        @WithName("clock-skew-seconds")
        @WithDefault("60")
        long clockSkewSeconds();
    }

    /** Rate limits by name: {@code abi.rate-limits.<name>.limit}, {@code .window}, {@code .algorithm}... */
    @WithName("rate-limits")
    Map<String, RateLimit> rateLimits();

    /** One rate-limit policy. */
    interface RateLimit {
        /** {@code token-bucket}, {@code sliding-window} or {@code fixed-window}. */
        @WithDefault("token-bucket")
        String algorithm();

        /** Requests per window. */
        long limit();

        /** The window, e.g. {@code 1M} or {@code PT10S}. */
        Duration window();

        /** Count per route as well as per caller. */
        @WithName("per-route")
        @WithDefault("false")
        boolean perRoute();

        /** Routes it applies to, e.g. {@code POST /v1/namespaces/{ns}/query}; all when unset. */
        Optional<List<String>> routes();

        /** Callers it applies to ({@code key:<id>}, {@code jwt:<sub>}); all when unset. */
        Optional<List<String>> principals();
    }

    /** Where rate-limit counters live: {@code memory} (one instance) or {@code dynamodb} (shared; AWS package). */
    @WithName("rate-limit-counters")
    @WithDefault("memory")
    String rateLimitCounters();

    /** Add HSTS, nosniff, no-store, no-referrer and frame-deny headers to every response. */
    @WithName("security-headers")
    @WithDefault("false")
    boolean securityHeaders();

    /** Browser origins allowed by CORS ({@code *} for any); CORS is off when unset. */
    @WithName("cors-origins")
    Optional<List<String>> corsOrigins();

    /** A circuit breaker in front of the object store: 503 at once while it keeps failing. */
    @WithName("object-store-breaker")
    @WithDefault("true")
    boolean objectStoreBreaker();
}
