package dev.abi.vector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a parsed JSON filter (maps, lists, strings, numbers, booleans) into a {@link Filter}.
 *
 * <p>Operators: implicit equality, {@code $eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $not}. For an array
 * attribute, {@code $eq}, {@code $in} and the comparisons match when any element matches; {@code $ne} and {@code $nin}
 * match when no element does. Comparisons are between numbers or between strings; other pairs do not match.
 */
public final class FilterParser {

    private FilterParser() {}

    /**
     * Parses a filter.
     *
     * @param json {@code null} or a map from the JSON parser
     * @throws InvalidFilterException naming the offending field
     */
    public static Filter parse(Object json) {
        if (json == null) {
            return Filter.ALL;
        }
        return parseObject(json, "filter");
    }

    private static Filter parseObject(Object json, String path) {
        if (!(json instanceof Map<?, ?> map)) {
            throw new InvalidFilterException(path, "must be an object");
        }
        List<Filter> parts = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            String keyPath = path + "." + key;
            Object value = e.getValue();
            switch (key) {
                case "$and" -> parts.add(Filter.and(parseList(value, keyPath)));
                case "$or" -> parts.add(Filter.or(parseList(value, keyPath)));
                case "$not" -> parts.add(Filter.not(parseObject(value, keyPath)));
                default -> {
                    if (key.startsWith("$")) {
                        throw new InvalidFilterException(
                                keyPath, "unknown operator '" + key + "'; logical operators are $and, $or and $not");
                    }
                    if (key.isEmpty()) {
                        throw new InvalidFilterException(keyPath, "attribute name must not be empty");
                    }
                    parts.add(parseField(key, value, keyPath));
                }
            }
        }
        return parts.size() == 1 ? parts.get(0) : Filter.and(List.copyOf(parts));
    }

    private static List<Filter> parseList(Object value, String path) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidFilterException(path, "must be a non-empty array of filters");
        }
        List<Filter> filters = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            filters.add(parseObject(list.get(i), path + "[" + i + "]"));
        }
        return List.copyOf(filters);
    }

    private static Filter parseField(String field, Object condition, String path) {
        if (!(condition instanceof Map<?, ?> ops)) {
            requireScalar(condition, path);
            return attrs -> anyEquals(attrs.get(field), condition);
        }
        if (ops.isEmpty()) {
            throw new InvalidFilterException(path, "must name at least one operator");
        }
        List<Filter> parts = new ArrayList<>();
        for (Map.Entry<?, ?> e : ops.entrySet()) {
            String op = (String) e.getKey();
            Object operand = e.getValue();
            String opPath = path + "." + op;
            parts.add(
                    switch (op) {
                        case "$eq" -> {
                            requireScalar(operand, opPath);
                            yield attrs -> anyEquals(attrs.get(field), operand);
                        }
                        case "$ne" -> {
                            requireScalar(operand, opPath);
                            yield attrs -> !anyEquals(attrs.get(field), operand);
                        }
                        case "$gt", "$gte", "$lt", "$lte" -> comparison(field, op, operand, opPath);
                        case "$in" -> {
                            List<?> set = requireScalarList(operand, opPath);
                            yield attrs -> anyIn(attrs.get(field), set);
                        }
                        case "$nin" -> {
                            List<?> set = requireScalarList(operand, opPath);
                            yield attrs -> !anyIn(attrs.get(field), set);
                        }
                        case "$exists" -> {
                            if (!(operand instanceof Boolean wanted)) {
                                throw new InvalidFilterException(opPath, "must be true or false");
                            }
                            yield attrs -> attrs.containsKey(field) == wanted;
                        }
                        default ->
                            throw new InvalidFilterException(
                                    opPath,
                                    "unknown operator '" + op
                                            + "'; expected one of $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists");
                    });
        }
        return parts.size() == 1 ? parts.get(0) : Filter.and(List.copyOf(parts));
    }

    private static Filter comparison(String field, String op, Object operand, String path) {
        if (!(operand instanceof Number) && !(operand instanceof String)) {
            throw new InvalidFilterException(path, "must be a number or a string");
        }
        return attrs -> {
            Object value = attrs.get(field);
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    if (compares(element, op, operand)) {
                        return true;
                    }
                }
                return false;
            }
            return compares(value, op, operand);
        };
    }

    private static boolean compares(Object value, String op, Object operand) {
        int c;
        if (value instanceof Number a && operand instanceof Number b) {
            c = Double.compare(a.doubleValue(), b.doubleValue());
        } else if (value instanceof String a && operand instanceof String b) {
            c = a.compareTo(b);
        } else {
            return false;
        }
        return switch (op) {
            case "$gt" -> c > 0;
            case "$gte" -> c >= 0;
            case "$lt" -> c < 0;
            default -> c <= 0;
        };
    }

    private static boolean anyEquals(Object value, Object operand) {
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (scalarEquals(element, operand)) {
                    return true;
                }
            }
            return false;
        }
        return scalarEquals(value, operand);
    }

    private static boolean anyIn(Object value, List<?> set) {
        for (Object candidate : set) {
            if (anyEquals(value, candidate)) {
                return true;
            }
        }
        return false;
    }

    static boolean scalarEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return a != null && Objects.equals(a, b);
    }

    private static void requireScalar(Object operand, String path) {
        if (!(operand instanceof String || operand instanceof Number || operand instanceof Boolean)) {
            throw new InvalidFilterException(
                    path,
                    "must be a string, number or boolean"
                            + (operand instanceof List ? " (use $in to match any of several values)" : ""));
        }
    }

    private static List<?> requireScalarList(Object operand, String path) {
        if (!(operand instanceof List<?> list)) {
            throw new InvalidFilterException(path, "must be an array");
        }
        for (int i = 0; i < list.size(); i++) {
            requireScalar(list.get(i), path + "[" + i + "]");
        }
        return List.copyOf(list);
    }
}
