package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.Limits;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.testing.WordEmbedder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vert.x front door cancels a request's work when its client disconnects: a documents upsert whose client closes
 * the connection while the first embedding batch runs embeds no further batch and stores nothing; a client that
 * leaves before its body is read is not logged as an unexpected failure. Latches order the
 * client, the event loop and the worker; one worker thread makes a later request wait for the cancelled one to end.
 */
class ClientGoneCancellationTest {

    private static final String PATH = "/v1/namespaces/gone/documents";

    private final WordEmbedder embedder = WordEmbedder.blocking();
    private final CountDownLatch serverSawClose = new CountDownLatch(1);
    private final CountDownLatch failureHandled = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private NamespaceService namespaces;
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
        DocumentIndex documents = new DocumentIndex(
                namespaces, name -> embedder, "words", new Chunker.Options(16, 2), DocumentIndex.Limits.defaults());
        Gateway gateway = new Gateway(namespaces, Limits.defaults(), List.of(), null, null, documents);
        // one worker: a request queued behind the cancelled one runs only once the cancelled one has ended
        vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
        Router router = Router.router(vertx);
        router.route(PATH)
                .handler(ctx -> {
                    ctx.addEndHandler(ended -> {
                        if (ended.failed()) {
                            serverSawClose.countDown();
                        }
                    });
                    ctx.next();
                })
                .failureHandler(ctx -> {
                    failure.set(ctx.failure());
                    ctx.next(); // runs the front door's failure handler, synchronously
                    failureHandled.countDown();
                });
        new VertxGatewayRoute().register(router, gateway);
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(1, TimeUnit.MINUTES);
    }

    @AfterEach
    void stop() throws Exception {
        embedder.release.countDown();
        vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    @Test
    void aClientThatLeavesStopsTheEmbeddingAfterTheCurrentBatch() throws Exception {
        StringBuilder body = new StringBuilder("{\"documents\":[");
        for (int i = 0; i < 100; i++) { // one chunk each: four batches of at most 32
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"d")
                    .append(i)
                    .append("\",\"text\":\"five words in doc ")
                    .append(i)
                    .append("\"}");
        }
        byte[] json = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + json.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            // hang guards only: the latches, not the clock, order the steps
            assertTrue(embedder.firstBatch.await(1, TimeUnit.MINUTES), "the first batch never started");
        }
        assertTrue(serverSawClose.await(1, TimeUnit.MINUTES), "the server never saw the connection close");
        embedder.release.countDown();

        assertEquals(200, health(), "a later request, run once the cancelled one has ended");
        assertEquals(1, embedder.batches.get(), "no batch after the client left");
        assertTrue(namespaces.list().isEmpty(), "nothing stored: " + namespaces.list());
    }

    @Test
    void aClientThatStaysGetsEveryBatch() throws Exception {
        embedder.release.countDown();
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.actualPort() + PATH)
                .toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.getOutputStream()
                .write("{\"documents\":[{\"id\":\"a\",\"text\":\"one two three\"}]}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, c.getResponseCode());
        assertEquals(1, embedder.batches.get());
        assertEquals(1, namespaces.list().size());
    }

    @Test
    void aClientThatLeavesBeforeItsBodyIsReadIsNotLoggedAsAFailure() throws Exception {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    errors.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger problems = Logger.getLogger("dev.abi.gateway.ProblemMapper");
        problems.addHandler(capture);
        try {
            try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 100\r\n\r\n{\"documents\":")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            // hang guard only
            assertTrue(failureHandled.await(1, TimeUnit.MINUTES), "the body read never failed");
            assertTrue(failure.get() instanceof HttpClosedException, String.valueOf(failure.get()));
            assertEquals(
                    List.of(),
                    errors.stream().map(LogRecord::getMessage).toList(),
                    "a client leaving is not an unexpected failure");
            assertEquals(0, embedder.batches.get());
        } finally {
            problems.removeHandler(capture);
        }
    }

    private int health() throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.actualPort() + "/health")
                .toURL()
                .openConnection();
        return c.getResponseCode();
    }
}
