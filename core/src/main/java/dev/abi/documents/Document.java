package dev.abi.documents;

import java.util.Map;

/**
 * One document to index: its id, its text (embedded by the server, in chunks) or, instead, a vector given directly,
 * and its attributes, copied onto every chunk.
 */
public record Document(String id, String text, Map<String, Object> attributes, float[] vector) {

    public Document {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static Document text(String id, String text, Map<String, Object> attributes) {
        return new Document(id, text, attributes, null);
    }
}
