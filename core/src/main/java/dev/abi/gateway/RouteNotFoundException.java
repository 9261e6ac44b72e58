package dev.abi.gateway;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;

/** No route serves this path. */
public final class RouteNotFoundException extends RuntimeException implements Classified {
    public RouteNotFoundException(String path) {
        super("no route for " + path);
    }

    @Override
    public Failure failure() {
        return Failure.of(404, "not-found", "Not found", getMessage()).withCode("not_found");
    }
}
