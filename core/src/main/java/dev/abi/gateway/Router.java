package dev.abi.gateway;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import dev.abi.gateway.auth.Role;

/**
 * Matches a method and path to a handler. Patterns are literal segments and {@code {name}} parameters, such as
 * {@code /v1/namespaces/{ns}/vectors/{id}}; parameter values are percent-decoded. Literal segments win over
 * parameters, so {@code /vectors/delete} is never read as the id {@code delete}.
 */
public final class Router {

    /** Handles a matched request. */
    @FunctionalInterface
    public interface Handler {
        HttpResponse handle(HttpRequest request, Map<String, String> params);
    }

    /**
     * A matched route: the handler, the decoded path parameters, the role it needs (null for a public route) and its
     * pattern (for per-route limits and logs).
     */
    public record Match(Handler handler, Map<String, String> params, Role role, String pattern) {
    }

    private record Route(String method, String pattern, String[] segments, Role role, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    /**
     * Adds a route that needs {@code role} on the namespace of its {@code {ns}} parameter (on all namespaces, when it
     * has none); {@code null} makes it public.
     */
    public Router add(String method, String pattern, Role role, Handler handler) {
        routes.add(new Route(method, pattern, split(pattern), role, handler));
        return this;
    }

    /** A registered route, for listings and tests: method, pattern and the role it needs (null: public). */
    public record RouteInfo(String method, String pattern, Role role) {
    }

    public List<RouteInfo> routes() {
        return routes.stream().map(r -> new RouteInfo(r.method, r.pattern, r.role)).toList();
    }

    /**
     * @throws RouteNotFoundException     when no pattern matches the path
     * @throws MethodNotAllowedException  when patterns match the path but none for this method
     */
    public Match route(String method, String path) {
        String[] parts = split(path);
        Match best = null;
        int bestLiterals = -1;
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = match(r.segments, parts);
            if (params == null) {
                continue;
            }
            int literals = literalCount(r.segments);
            if (!r.method.equals(method)) {
                allowed.add(r.method);
                continue;
            }
            if (literals > bestLiterals) {
                best = new Match(r.handler, params, r.role, r.method + " " + r.pattern);
                bestLiterals = literals;
            }
        }
        if (best != null) {
            return best;
        }
        if (!allowed.isEmpty()) {
            throw new MethodNotAllowedException(method, path, allowed);
        }
        throw new RouteNotFoundException(path);
    }

    private static Map<String, String> match(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                String value = decode(parts[i]);
                if (value == null || value.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), value);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    private static int literalCount(String[] segments) {
        int n = 0;
        for (String s : segments) {
            if (!s.startsWith("{")) {
                n++;
            }
        }
        return n;
    }

    private static String decode(String segment) {
        try {
            // '+' is a literal plus in a path, unlike in a form body
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
            return null;
        }
    }

    private static String[] split(String path) {
        String p = path;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
