package dev.abi.gateway;

/** No route serves this path. */
public final class RouteNotFoundException extends RuntimeException {
    public RouteNotFoundException(String path) {
        super("no route for " + path);
    }
}
