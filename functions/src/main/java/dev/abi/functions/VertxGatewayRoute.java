package dev.abi.functions;

import dev.abi.budget.Cancellation;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import dev.abi.gateway.PayloadTooLargeException;
import dev.abi.gateway.ProblemMapper;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.RequestIds;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.quarkus.arc.properties.IfBuildProperty;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Vert.x front door: hands every {@code /v1/...}, {@code /health}, {@code /indexObject} and
 * {@code /removeObject} request, raw, to the core {@link Gateway}, which authenticates, limits and routes them all.
 * It serves the local server, and Google Cloud Functions, whose HTTP bridge feeds requests into the same Vert.x router.
 * Packages whose provider runtime calls the gateway directly (Lambda, Azure) build without it
 * ({@code abi.vertx-route=false}). Each request carries a {@link Cancellation} that turns true when the client's
 * connection closes before the answer is complete, so that long work for it (embedding, generation) stops.
 */
@ApplicationScoped
@IfBuildProperty(name = "abi.vertx-route", stringValue = "true", enableIfMissing = true)
public class VertxGatewayRoute {

    private static final String CLIENT_GONE = "abi.client-gone";

    void register(@Observes Router router, Gateway gateway) {
        long limit = gateway.limits().maxBodyBytes();
        for (String path : new String[] {"/v1/*", "/health", "/indexObject", "/removeObject"}) {
            // A declared length over the limit is refused before the body is read, and before Quarkus's own check
            // (order -2), which would answer a bare 413 and reset the connection of a client still sending.
            router.route(path).order(-3).handler(ctx -> {
                String length = ctx.request().getHeader("Content-Length");
                if (length != null
                        && !length.isEmpty()
                        && length.length() < 19
                        && length.chars().allMatch(Character::isDigit)
                        && Long.parseLong(length) > limit) {
                    ctx.fail(413);
                } else {
                    ctx.next();
                }
            }); // the failure handler of the route below answers the 413

            router.route(path)
                    // Quarkus installs its own body handler only when an extension asks for one (none here does);
                    // this one reads the body up to the limit, and is skipped when one already read it.
                    .handler(BodyHandler.create(false).setBodyLimit(limit))
                    .handler(VertxGatewayRoute::watchClient)
                    .blockingHandler(ctx -> write(ctx, gateway.handle(toRequest(ctx))), false)
                    .failureHandler(ctx -> failure(ctx, limit));
        }
    }

    /**
     * Turns a failure of the route into the API's problem body: an oversize body (413 from the length check above or
     * a body handler, or a form field over the limit) becomes a payload-too-large problem.
     */
    private static void failure(RoutingContext ctx, long limit) {
        if (clientGone(ctx).isCancelled() || ctx.failure() instanceof HttpClosedException) {
            return; // the client left mid-request (an idle timeout, say): nobody to answer or log
        }
        Throwable failure =
                ctx.statusCode() == 413 || ctx.failure() instanceof HttpPostRequestDecoder.TooLongFormFieldException
                        ? new PayloadTooLargeException(-1, limit)
                        : failureOf(ctx);
        // refused before the gateway saw it: the request still gets its id, in the header, the body and the log
        String requestId = RequestIds.resolve(
                ctx.request().getHeader("X-Request-Id"), null, ctx.request().getHeader("traceparent"));
        HttpResponse problem;
        try (RequestContext.Scope inCore = RequestContext.enter(requestId);
                RequestContext.Scope inMdc = CoreBeans.MDC_REQUEST_ID.bind(requestId)) {
            problem = ProblemMapper.toResponse(failure);
        }
        Map<String, String> headers = new LinkedHashMap<>(problem.headers());
        headers.put("X-Request-Id", requestId);
        write(ctx, new HttpResponse(problem.status(), headers, problem.body()));
    }

    private static Throwable failureOf(RoutingContext ctx) {
        Throwable t = ctx.failure();
        return t != null ? t : new IllegalStateException("HTTP status " + ctx.statusCode());
    }

    /**
     * On the event loop, once the body is read: notes when the connection closes before the response has ended
     * (the end handlers fail then). {@code addEndHandler} rather than the response's own close handler, which
     * Vert.x Web already uses for its end handlers and which holds one handler only.
     */
    private static void watchClient(RoutingContext ctx) {
        AtomicBoolean gone = new AtomicBoolean();
        ctx.addEndHandler(ended -> {
            if (ended.failed()) {
                gone.set(true);
            }
        });
        ctx.put(CLIENT_GONE, gone);
        ctx.next();
    }

    private static Cancellation clientGone(RoutingContext ctx) {
        AtomicBoolean gone = ctx.get(CLIENT_GONE);
        return () -> (gone != null && gone.get()) || ctx.response().closed();
    }

    private static HttpRequest toRequest(RoutingContext ctx) {
        Map<String, String> query = new HashMap<>();
        ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(e -> headers.merge(e.getKey(), e.getValue(), (a, b) -> a + "," + b));
        Buffer body = ctx.body().buffer();
        return new HttpRequest(
                ctx.request().method().name(),
                ctx.request().path(),
                query,
                headers,
                body == null ? new byte[0] : body.getBytes(),
                clientGone(ctx));
    }

    private static void write(RoutingContext ctx, HttpResponse response) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(response.status());
        response.headers().forEach(ctx.response()::putHeader);
        if (response.stream() != null) {
            // chunked: each piece goes out as soon as it is produced (server-sent events)
            ctx.response().setChunked(true);
            response.stream().writeTo(chunk -> ctx.response().write(Buffer.buffer(chunk)));
            ctx.response().end();
            return;
        }
        ctx.response().end(Buffer.buffer(response.body()));
    }
}
