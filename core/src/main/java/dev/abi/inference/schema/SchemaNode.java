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
    record Property(String name, String key, SchemaNode value, boolean required) {
    }

    /** An object whose properties come in schema order; no other property is ever written. */
    record ObjectNode(List<Property> properties) implements SchemaNode {
        public ObjectNode {
            properties = List.copyOf(properties);
        }

        @Override
        public int minLength() {
            return 1 + SchemaPrefix.ObjectFrame.openRemainder(this);
        }

        /**
         * Characters from just after a property's value (or a comma-less start) to the closing brace when the
         * properties from {@code from} on are still to come: a comma, key, colon and shortest value per required
         * one, then the brace.
         */
        int restAfter(int from) {
            int n = 1;
            for (int j = from; j < properties.size(); j++) {
                Property p = properties.get(j);
                if (p.required()) {
                    n += 1 + p.key().length() + 1 + p.value().minLength();
                }
            }
            return n;
        }
    }

    /** An array of {@code items}, {@code minItems} to {@code maxItems} of them. */
    record ArrayNode(SchemaNode items, int minItems, int maxItems) implements SchemaNode {
        @Override
        public int minLength() {
            return minItems == 0 ? 2 : 1 + minItems * items.minLength() + (minItems - 1) + 1;
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
    record LiteralNode(List<String> texts) implements SchemaNode {
        public LiteralNode {
            texts = List.copyOf(texts);
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("a literal node needs at least one text");
            }
        }

        @Override
        public int minLength() {
            return texts.stream().mapToInt(String::length).min().orElseThrow();
        }
    }

    /**
     * Any of a few nodes ({@code "type": [...]}); each starts with its own character ({@code "}, {@code {}, {@code [},
     * a digit or minus, {@code t}/{@code f}, {@code n}), so the first character decides.
     */
    record UnionNode(List<SchemaNode> options) implements SchemaNode {
        public UnionNode {
            options = List.copyOf(options);
        }

        @Override
        public int minLength() {
            return options.stream().mapToInt(SchemaNode::minLength).min().orElseThrow();
        }
    }
}
