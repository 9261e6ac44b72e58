package dev.abi.inference.schema;

import java.util.List;

/**
 * A compiled schema of the supported subset of JSON Schema. Every node knows the length of its shortest matching
 * JSON text (compact, no whitespace), which the recognizer uses to tell whether the output can still be closed in
 * the tokens left.
 */
public sealed interface SchemaNode {

    /** Characters of the shortest compact JSON text this node matches. */
    int minLength();

    /**
     * One property of an object, in schema order.
     *
     * @param key the name as it is written in JSON, quotes included ({@code "name"})
     */
    record Property(String name, String key, SchemaNode value, boolean required) {}

    /**
     * An object whose properties come in schema order; no other property is ever written. {@code rest[j]} is the
     * number of characters from just after a property's value to the closing brace when the properties from {@code j}
     * on are still to come (a comma, key, colon and shortest value per required one, then the brace); it is computed
     * here, once, since the recognizer asks for it at every step.
     */
    record ObjectNode(List<Property> properties, int[] rest) implements SchemaNode {
        public ObjectNode {
            properties = List.copyOf(properties);
            rest = new int[properties.size() + 1];
            rest[properties.size()] = 1;
            for (int j = properties.size() - 1; j >= 0; j--) {
                Property p = properties.get(j);
                rest[j] = rest[j + 1]
                        + (p.required() ? 1 + p.key().length() + 1 + p.value().minLength() : 0);
            }
        }

        public ObjectNode(List<Property> properties) {
            this(properties, null);
        }

        /** Characters after the opening brace to the closing one, at the shortest. */
        int openRemainder() {
            return rest[0] > 1 ? rest[0] - 1 : 1; // the first required property needs no comma
        }

        @Override
        public int minLength() {
            return 1 + openRemainder();
        }

        int restAfter(int from) {
            return rest[from];
        }
    }

    /** An array of {@code items}, {@code minItems} to {@code maxItems} of them. */
    record ArrayNode(SchemaNode items, int minItems, int maxItems, int minLength) implements SchemaNode {
        public ArrayNode {
            minLength = minItems == 0 ? 2 : 1 + minItems * items.minLength() + (minItems - 1) + 1;
        }

        public ArrayNode(SchemaNode items, int minItems, int maxItems) {
            this(items, minItems, maxItems, 0);
        }
    }

    /** Any JSON string. */
    record StringNode() implements SchemaNode {
        @Override
        public int minLength() {
            return 2;
        }
    }

    /** Any JSON number, or only integers (no fraction, no exponent). */
    record NumberNode(boolean integer) implements SchemaNode {
        @Override
        public int minLength() {
            return 1;
        }
    }

    /** One of a few fixed JSON texts: {@code enum}, {@code const}, {@code true}/{@code false}, {@code null}. */
    record LiteralNode(List<String> texts, int minLength) implements SchemaNode {
        public LiteralNode {
            texts = List.copyOf(texts);
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("a literal node needs at least one text");
            }
            minLength = texts.stream().mapToInt(String::length).min().orElseThrow();
        }

        public LiteralNode(List<String> texts) {
            this(texts, 0);
        }
    }

    /**
     * Any of a few nodes ({@code "type": [...]}); each starts with its own character ({@code "}, {@code {}, {@code [},
     * a digit or minus, {@code t}/{@code f}, {@code n}), so the first character decides.
     */
    record UnionNode(List<SchemaNode> options, int minLength) implements SchemaNode {
        public UnionNode {
            options = List.copyOf(options);
            minLength = options.stream().mapToInt(SchemaNode::minLength).min().orElseThrow();
        }

        public UnionNode(List<SchemaNode> options) {
            this(options, 0);
        }
    }
}
