package dev.abi.gateway;

import dev.abi.gateway.auth.Role;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A radix (segment trie) router: each node holds its literal children, one parameter child ({@code {name}}) and one
 * wildcard child ({@code {name...}}, which takes the rest of the path, slashes included), and the handlers of its
 * methods. Matching walks the path once, trying literals before parameters before wildcards and backing off when a
 * branch dead-ends, so {@code /vectors/delete} is never read as the id {@code delete}. Parameter values are
 * percent-decoded. A path that exists for other methods answers 405 with {@code Allow}; an unknown path 404.
 */
public final class Router {

    /** Handles a matched request. */
    @FunctionalInterface
    public interface Handler {
        HttpResponse handle(HttpRequest request, Map<String, String> params);
    }

    /** How a route's failures are rendered: as RFC 9457 problem details, or in OpenAI's error shape. */
    public enum Dialect {
        PROBLEM,
        OPENAI
    }

    /**
     * A matched route: the handler, the decoded path parameters, the role it needs (null for a public route), its
     * pattern (for per-route limits and logs) and the dialect of its errors.
     */
    public record Match(Handler handler, Map<String, String> params, Role role, String pattern, Dialect dialect) {
        public Match(Handler handler, Map<String, String> params, Role role, String pattern) {
            this(handler, params, role, pattern, Dialect.PROBLEM);
        }
    }

    /** A registered route, for listings and tests: method, pattern and the role it needs (null: public). */
    public record RouteInfo(String method, String pattern, Role role) {}

    private record Route(String method, String pattern, Role role, Dialect dialect, Handler handler) {}

    private static final class Node {
        final Map<String, Node> literals = new HashMap<>();
        Node param;
        String paramName;
        Node wildcard;
        String wildcardName;
        final Map<String, Route> methods = new HashMap<>();
    }

    private final Node root = new Node();
    private final List<Route> routes = new ArrayList<>();

    /**
     * Adds a route that needs {@code role} on the namespace of its {@code {ns}} parameter (on all namespaces, when it
     * has none); {@code null} makes it public. Segments are literals, {@code {name}} or, last, {@code {name...}}.
     *
     * @throws IllegalArgumentException for a duplicate route or conflicting parameter names at one position
     */
    public Router add(String method, String pattern, Role role, Handler handler) {
        return add(method, pattern, role, Dialect.PROBLEM, handler);
    }

    /** As {@link #add(String, String, Role, Handler)}, with the dialect its failures are rendered in. */
    public Router add(String method, String pattern, Role role, Dialect dialect, Handler handler) {
        Node node = root;
        String[] segments = split(pattern);
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            if (seg.startsWith("{") && seg.endsWith("...}")) {
                if (i != segments.length - 1) {
                    throw new IllegalArgumentException(pattern + ": a wildcard must be the last segment");
                }
                String name = seg.substring(1, seg.length() - 4);
                if (node.wildcard == null) {
                    node.wildcard = new Node();
                    node.wildcardName = name;
                } else if (!node.wildcardName.equals(name)) {
                    throw new IllegalArgumentException(
                            pattern + ": wildcard {" + name + "...} conflicts with {" + node.wildcardName + "...}");
                }
                node = node.wildcard;
            } else if (seg.startsWith("{") && seg.endsWith("}")) {
                String name = seg.substring(1, seg.length() - 1);
                if (node.param == null) {
                    node.param = new Node();
                    node.paramName = name;
                } else if (!node.paramName.equals(name)) {
                    throw new IllegalArgumentException(
                            pattern + ": parameter {" + name + "} conflicts with {" + node.paramName + "}");
                }
                node = node.param;
            } else {
                node = node.literals.computeIfAbsent(seg, k -> new Node());
            }
        }
        Route route = new Route(method, pattern, role, dialect, handler);
        if (node.methods.putIfAbsent(method, route) != null) {
            throw new IllegalArgumentException("duplicate route " + method + " " + pattern);
        }
        routes.add(route);
        return this;
    }

    public List<RouteInfo> routes() {
        return routes.stream()
                .map(r -> new RouteInfo(r.method, r.pattern, r.role))
                .toList();
    }

    /**
     * @throws RouteNotFoundException     when no pattern matches the path
     * @throws MethodNotAllowedException  when patterns match the path but none for this method
     */
    public Match route(String method, String path) {
        String[] parts = split(path);
        Map<String, String> params = new HashMap<>();
        TreeSet<String> allowed = new TreeSet<>();
        Route found = find(root, parts, 0, method, params, allowed);
        if (found != null) {
            return new Match(
                    found.handler, Map.copyOf(params), found.role, found.method + " " + found.pattern, found.dialect);
        }
        if (!allowed.isEmpty()) {
            throw new MethodNotAllowedException(method, path, allowed);
        }
        throw new RouteNotFoundException(path);
    }

    /**
     * The dialect of the routes whose pattern matches {@code path} (for any method), so that a 405 on an OpenAI route
     * answers in OpenAI's shape; {@link Dialect#PROBLEM} for a path no route matches.
     */
    public Dialect dialectOf(String path) {
        for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
            Route r = find(root, split(path), 0, method, new HashMap<>(), new TreeSet<>());
            if (r != null) {
                return r.dialect;
            }
        }
        return Dialect.PROBLEM;
    }

    /** Depth-first: literal, then parameter, then wildcard; collects the methods of paths that match otherwise. */
    private static Route find(
            Node node, String[] parts, int i, String method, Map<String, String> params, Set<String> allowed) {
        if (i == parts.length) {
            Route r = node.methods.get(method);
            if (r == null) {
                allowed.addAll(node.methods.keySet());
            }
            return r;
        }
        Node literal = node.literals.get(parts[i]);
        if (literal != null) {
            Route r = find(literal, parts, i + 1, method, params, allowed);
            if (r != null) {
                return r;
            }
        }
        if (node.param != null) {
            String value = decode(parts[i]);
            if (value != null && !value.isEmpty()) {
                params.put(node.paramName, value);
                Route r = find(node.param, parts, i + 1, method, params, allowed);
                if (r != null) {
                    return r;
                }
                params.remove(node.paramName);
            }
        }
        if (node.wildcard != null) {
            StringBuilder rest = new StringBuilder();
            for (int k = i; k < parts.length; k++) {
                String value = decode(parts[k]);
                if (value == null) {
                    return null;
                }
                rest.append(k == i ? "" : "/").append(value);
            }
            Route r = node.wildcard.methods.get(method);
            if (r != null) {
                params.put(node.wildcardName, rest.toString());
                return r;
            }
            allowed.addAll(node.wildcard.methods.keySet());
        }
        return null;
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
