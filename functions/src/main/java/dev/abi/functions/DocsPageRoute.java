package dev.abi.functions;

import io.quarkus.arc.properties.IfBuildProperty;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /docs} on the local server: redirects to {@code /docs/}, the static page
 * ({@code META-INF/resources/docs/index.html}) that shows {@code /v1/openapi.json} in Swagger UI. Static resources
 * answer only the path with the slash. Built where {@link VertxGatewayRoute} is (not in the Lambda and Azure
 * packagings, which have no Vert.x router).
 */
@ApplicationScoped
@IfBuildProperty(name = "abi.vertx-route", stringValue = "true", enableIfMissing = true)
public class DocsPageRoute {

    void register(@Observes Router router) {
        // Vert.x matches "/docs/" with this route too: only the bare path is redirected
        router.get("/docs").handler(ctx -> {
            if (ctx.request().path().equals("/docs")) {
                ctx.redirect("/docs/");
            } else {
                ctx.next();
            }
        });
    }
}
