package dev.abi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON mapper of the tool, and pretty printing for command output. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /** {@code node} indented, for a human reading the terminal. */
    public static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new CliException("cannot print a reply: " + e.getOriginalMessage());
        }
    }

    /** {@code value} as compact JSON bytes. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new CliException("cannot encode a request: " + e.getOriginalMessage());
        }
    }
}
