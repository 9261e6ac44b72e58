package dev.abi.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Serves {@code GET /v1/openapi.json}, the OpenAPI 3.1 document of the whole API, without auth, on every platform:
 * the resource {@code openapi.json} of this module, read once. A test keeps its paths and methods equal to the
 * router's routes, and its examples valid against its own schemas.
 */
final class OpenApiDocument {

    /** Where the document lies on the class path. */
    static final String RESOURCE = "/openapi.json";

    private final byte[] document;

    OpenApiDocument() {
        this.document = read();
    }

    void register(Router router) {
        router.add(
                "GET",
                "/v1/openapi.json",
                null,
                (r, p) -> new HttpResponse(
                        200, Map.of("Content-Type", "application/json", "Cache-Control", "max-age=300"), document));
    }

    static byte[] read() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
