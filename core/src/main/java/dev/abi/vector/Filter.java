package dev.abi.vector;

import java.util.List;
import java.util.Map;

/**
 * A predicate over a vector's attributes, in the filter language of the API (Mongo-style operators, as in
 * S3 Vectors). Build one with {@link FilterParser#parse(Object)}.
 */
@FunctionalInterface
public interface Filter {

    /** Matches every vector. Indexes may skip evaluation entirely when given this instance. */
    Filter ALL = attributes -> true;

    boolean matches(Map<String, Object> attributes);

    /** All of the filters match. */
    static Filter and(List<Filter> filters) {
        return attributes -> {
            for (Filter f : filters) {
                if (!f.matches(attributes)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** At least one of the filters matches. */
    static Filter or(List<Filter> filters) {
        return attributes -> {
            for (Filter f : filters) {
                if (f.matches(attributes)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The filter does not match. */
    static Filter not(Filter filter) {
        return attributes -> !filter.matches(attributes);
    }
}
