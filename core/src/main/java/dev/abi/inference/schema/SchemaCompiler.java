package dev.abi.inference.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the supported subset of JSON Schema into a {@link SchemaNode}: {@code type} (object, array, string,
 * number, integer, boolean, null, or an array of them), {@code properties}, {@code required},
 * {@code additionalProperties: false}, {@code enum}, {@code const}, {@code items}, {@code minItems},
 * {@code maxItems}, {@code anyOf} of alternatives that start with different characters, {@code $ref} to the root's
 * {@code $defs} or {@code definitions} (not recursive), nested to {@value #MAX_DEPTH} levels, and the annotations
 * {@code title}, {@code description}, {@code default}, {@code examples} and {@code $schema} (ignored). Any other keyword is refused by name. The root
 * must be an object. An object never gets a property its schema does not list (an absent
 * {@code additionalProperties} is read as {@code false}: the output still validates).
 *
 * <p>With {@code strict}, as OpenAI's structured outputs require, every object must say
 * {@code additionalProperties: false} and list every property in {@code required}.
 */
public final class SchemaCompiler {

    static final int MAX_DEPTH = 16;
    static final int MAX_PROPERTIES = 1000;
    static final int MAX_ENUM = 1000;
    static final int MAX_MIN_ITEMS = 1000;
    /** The longest shortest-matching text allowed (a schema that needs more could never be written in a reply). */
    static final int MAX_MIN_LENGTH = 1 << 20;

    private static final Set<String> KEYWORDS = Set.of(
            "type",
            "properties",
            "required",
            "additionalProperties",
            "enum",
            "const",
            "items",
            "minItems",
            "maxItems",
            "anyOf",
            "$ref",
            "$defs",
            "definitions",
            "title",
            "description",
            "default",
            "examples",
            "$schema");
    /** Keywords that constrain a value, which a {@code $ref} or {@code anyOf} beside them would have to intersect. */
    private static final List<String> CONSTRAINING = List.of(
            "type",
            "properties",
            "required",
            "additionalProperties",
            "enum",
            "const",
            "items",
            "minItems",
            "maxItems",
            "anyOf",
            "$ref");

    private static final List<String> TYPES =
            List.of("object", "array", "string", "number", "integer", "boolean", "null");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final boolean strict;
    private final JsonNode root;
    /** The {@code $ref}s being expanded, outermost first: one seen again is a recursive schema. */
    private final Deque<String> expanding = new ArrayDeque<>();

    private SchemaCompiler(boolean strict, JsonNode root) {
        this.strict = strict;
        this.root = root;
    }

    /**
     * @throws UnsupportedSchemaException naming the first keyword outside the subset, or malformed
     */
    public static SchemaNode compile(JsonNode schema, boolean strict) {
        if (schema == null || !schema.isObject()) {
            throw new UnsupportedSchemaException("", "must be a JSON Schema object");
        }
        JsonNode type = schema.get("type");
        if (type == null || !type.isTextual() || !type.textValue().equals("object")) {
            throw new UnsupportedSchemaException("type", "the root must be {\"type\":\"object\"}");
        }
        return new SchemaCompiler(strict, schema).node(schema, "", 0);
    }

    private SchemaNode node(JsonNode schema, String path, int depth) {
        if (!schema.isObject()) {
            throw new UnsupportedSchemaException(path, "must be a JSON Schema object");
        }
        if (depth > MAX_DEPTH) {
            throw new UnsupportedSchemaException(path, "nests deeper than " + MAX_DEPTH + " levels");
        }
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!KEYWORDS.contains(keyword)) {
                throw new UnsupportedSchemaException(
                        at(path, keyword),
                        "keyword '" + keyword + "' is not supported;"
                                + " supported: type, properties, required, additionalProperties (false), enum, const, items,"
                                + " minItems, maxItems, anyOf, $ref, $defs");
            }
        }
        SchemaNode compiled;
        if (schema.has("$ref")) {
            alone(schema, "$ref", path);
            compiled = reference(schema.get("$ref"), at(path, "$ref"), depth);
        } else if (schema.has("anyOf")) {
            alone(schema, "anyOf", path);
            compiled = anyOf(schema.get("anyOf"), at(path, "anyOf"), depth);
        } else if (schema.has("const")) {
            compiled = new SchemaNode.LiteralNode(List.of(text(schema.get("const"))));
        } else if (schema.has("enum")) {
            compiled = enumeration(schema.get("enum"), at(path, "enum"));
        } else {
            List<String> types = types(schema.get("type"), at(path, "type"));
            List<SchemaNode> options = new ArrayList<>();
            for (String t : types) {
                options.add(typed(t, schema, path, depth));
            }
            compiled = options.size() == 1 ? options.get(0) : new SchemaNode.UnionNode(options);
        }
        if (compiled.minLength() > MAX_MIN_LENGTH) {
            throw new UnsupportedSchemaException(
                    path, "its shortest matching JSON is longer than " + MAX_MIN_LENGTH + " characters");
        }
        return compiled;
    }

    /** {@code keyword} must be the only constraining keyword of {@code schema} (annotations may sit beside it). */
    private static void alone(JsonNode schema, String keyword, String path) {
        for (String other : CONSTRAINING) {
            if (!other.equals(keyword) && schema.has(other)) {
                throw new UnsupportedSchemaException(at(path, other), "is not supported beside " + keyword);
            }
        }
    }

    /**
     * A {@code $ref} to {@code #/$defs/Name} or {@code #/definitions/Name} of the root schema, expanded in place;
     * a recursive one is refused (its values could nest without end).
     */
    private SchemaNode reference(JsonNode ref, String path, int depth) {
        String target = ref.isTextual() ? ref.textValue() : "";
        String container =
                target.startsWith("#/$defs/") ? "$defs" : target.startsWith("#/definitions/") ? "definitions" : null;
        if (container == null) {
            throw new UnsupportedSchemaException(
                    path,
                    "only references to #/$defs/<name> or #/definitions/<name> of" + " the root schema are supported");
        }
        String name =
                target.substring(container.length() + 3).replace("~1", "/").replace("~0", "~");
        JsonNode defs = root.get(container);
        if (defs == null || !defs.isObject() || !defs.has(name)) {
            throw new UnsupportedSchemaException(path, "'" + target + "' names no schema of the root's " + container);
        }
        if (expanding.contains(target)) {
            throw new UnsupportedSchemaException(path, "'" + target + "' is recursive, which is not supported");
        }
        expanding.addLast(target);
        try {
            return node(defs.get(name), container + "." + name, depth + 1);
        } finally {
            expanding.removeLast();
        }
    }

    /**
     * {@code anyOf}: alternatives told apart by their first character (a string, a number, an object, an array,
     * {@code true}/{@code false}, {@code null}, or enum values starting differently); two alternatives that could start
     * alike (two objects) are refused.
     */
    private SchemaNode anyOf(JsonNode options, String path, int depth) {
        if (options == null || !options.isArray() || options.isEmpty()) {
            throw new UnsupportedSchemaException(path, "must be a non-empty array of schemas");
        }
        List<SchemaNode> out = new ArrayList<>();
        StringBuilder starts = new StringBuilder();
        for (int i = 0; i < options.size(); i++) {
            SchemaNode option = node(options.get(i), at(path, Integer.toString(i)), depth + 1);
            for (SchemaNode leaf : option instanceof SchemaNode.UnionNode u ? u.options() : List.of(option)) {
                String first = firstCharacters(leaf);
                for (char c : first.toCharArray()) {
                    if (starts.indexOf(String.valueOf(c)) >= 0) {
                        throw new UnsupportedSchemaException(
                                at(path, Integer.toString(i)),
                                "can start with '" + c
                                        + "' as an earlier alternative can; only alternatives that start differently are"
                                        + " supported (e.g. a string and null, not two objects)");
                    }
                }
                starts.append(first);
                out.add(leaf);
            }
        }
        return out.size() == 1 ? out.get(0) : new SchemaNode.UnionNode(out);
    }

    private static String firstCharacters(SchemaNode node) {
        return switch (node) {
            case SchemaNode.ObjectNode o -> "{";
            case SchemaNode.ArrayNode a -> "[";
            case SchemaNode.StringNode s -> "\"";
            case SchemaNode.NumberNode n -> "-0123456789";
            case SchemaNode.LiteralNode l ->
                l.texts().stream().map(t -> t.substring(0, 1)).distinct().reduce("", String::concat);
            case SchemaNode.UnionNode u ->
                u.options().stream().map(SchemaCompiler::firstCharacters).reduce("", String::concat);
        };
    }

    private SchemaNode typed(String type, JsonNode schema, String path, int depth) {
        return switch (type) {
            case "object" -> object(schema, path, depth);
            case "array" -> array(schema, path, depth);
            case "string" -> new SchemaNode.StringNode();
            case "number" -> new SchemaNode.NumberNode(false);
            case "integer" -> new SchemaNode.NumberNode(true);
            case "boolean" -> new SchemaNode.LiteralNode(List.of("true", "false"));
            default -> new SchemaNode.LiteralNode(List.of("null"));
        };
    }

    private static List<String> types(JsonNode type, String path) {
        if (type == null) {
            throw new UnsupportedSchemaException(path, "is required (or enum, or const)");
        }
        Set<String> out = new LinkedHashSet<>();
        if (type.isTextual()) {
            out.add(type.textValue());
        } else if (type.isArray() && !type.isEmpty()) {
            for (JsonNode t : type) {
                if (!t.isTextual()) {
                    throw new UnsupportedSchemaException(path, "must be a type name or an array of them");
                }
                out.add(t.textValue());
            }
        } else {
            throw new UnsupportedSchemaException(path, "must be a type name or a non-empty array of them");
        }
        for (String t : out) {
            if (!TYPES.contains(t)) {
                throw new UnsupportedSchemaException(path, "'" + t + "' is not a type; one of " + TYPES);
            }
        }
        if (out.contains("number")) {
            out.remove("integer"); // every integer is a number, and both would start with the same character
        }
        return List.copyOf(out);
    }

    private SchemaNode object(JsonNode schema, String path, int depth) {
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
            throw new UnsupportedSchemaException(at(path, "additionalProperties"), "only false is supported");
        }
        if (strict && additional == null) {
            throw new UnsupportedSchemaException(at(path, "additionalProperties"), "must be false with strict");
        }
        JsonNode props = schema.get("properties");
        if (props != null && !props.isObject()) {
            throw new UnsupportedSchemaException(at(path, "properties"), "must be an object of schemas");
        }
        if (props != null && props.size() > MAX_PROPERTIES) {
            throw new UnsupportedSchemaException(at(path, "properties"), "holds more than " + MAX_PROPERTIES);
        }
        Set<String> required = required(schema.get("required"), props, at(path, "required"));
        List<SchemaNode.Property> properties = new ArrayList<>();
        if (props != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (strict && !required.contains(e.getKey())) {
                    throw new UnsupportedSchemaException(
                            at(path, "required"),
                            "must list '" + e.getKey()
                                    + "': with strict every property is required (use a type array with \"null\" instead)");
                }
                SchemaNode value = node(e.getValue(), at(at(path, "properties"), e.getKey()), depth + 1);
                properties.add(new SchemaNode.Property(
                        e.getKey(),
                        text(MAPPER.getNodeFactory().textNode(e.getKey())),
                        value,
                        required.contains(e.getKey())));
            }
        }
        return new SchemaNode.ObjectNode(properties);
    }

    private static Set<String> required(JsonNode required, JsonNode props, String path) {
        Set<String> out = new LinkedHashSet<>();
        if (required == null) {
            return out;
        }
        if (!required.isArray()) {
            throw new UnsupportedSchemaException(path, "must be an array of property names");
        }
        for (JsonNode r : required) {
            if (!r.isTextual() || props == null || !props.has(r.textValue())) {
                throw new UnsupportedSchemaException(path, r + " is not one of the properties");
            }
            out.add(r.textValue());
        }
        return out;
    }

    private SchemaNode array(JsonNode schema, String path, int depth) {
        JsonNode items = schema.get("items");
        if (items == null) {
            throw new UnsupportedSchemaException(at(path, "items"), "is required for an array");
        }
        int min = count(schema.get("minItems"), at(path, "minItems"), 0);
        int max = count(schema.get("maxItems"), at(path, "maxItems"), Integer.MAX_VALUE);
        if (min > MAX_MIN_ITEMS) {
            throw new UnsupportedSchemaException(at(path, "minItems"), "must be at most " + MAX_MIN_ITEMS);
        }
        if (min > max) {
            throw new UnsupportedSchemaException(at(path, "maxItems"), "is below minItems");
        }
        return new SchemaNode.ArrayNode(node(items, at(path, "items"), depth + 1), min, max);
    }

    private static int count(JsonNode n, String path, int dflt) {
        if (n == null) {
            return dflt;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 0) {
            throw new UnsupportedSchemaException(path, "must be a non-negative integer");
        }
        return n.intValue();
    }

    private static SchemaNode enumeration(JsonNode values, String path) {
        if (values == null || !values.isArray() || values.isEmpty()) {
            throw new UnsupportedSchemaException(path, "must be a non-empty array");
        }
        if (values.size() > MAX_ENUM) {
            throw new UnsupportedSchemaException(path, "holds more than " + MAX_ENUM + " values");
        }
        Set<String> texts = new LinkedHashSet<>();
        for (JsonNode v : values) {
            texts.add(text(v));
        }
        return new SchemaNode.LiteralNode(List.copyOf(texts));
    }

    /** The compact JSON text of {@code value}. */
    private static String text(JsonNode value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON value did not serialize", e);
        }
    }

    private static String at(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
