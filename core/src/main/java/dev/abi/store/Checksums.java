package dev.abi.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * CRC32C on every object of the commit protocol. Binary objects end in a 4-byte big-endian CRC32C of what precedes
 * it; JSON objects stay readable with {@code cat}: their last field is {@code "crc32c":"xxxxxxxx"}, the checksum of
 * the same JSON without that field. Readers verify before parsing, so a flipped byte is an error, never a wrong answer.
 */
public final class Checksums {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] FIELD = ",\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);

    private Checksums() {}

    public static long crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }

    public static long crc32c(byte[] bytes) {
        return crc32c(bytes, 0, bytes.length);
    }

    /** {@code body} followed by its CRC32C. */
    public static byte[] seal(byte[] body) {
        byte[] out = Arrays.copyOf(body, body.length + 4);
        ByteBuffer.wrap(out).putInt(body.length, (int) crc32c(body));
        return out;
    }

    /**
     * The body of a sealed object.
     *
     * @throws CorruptObjectException naming {@code key} when it is truncated or its checksum does not match
     */
    public static byte[] open(String key, byte[] sealed) {
        if (sealed.length < 4) {
            throw new CorruptObjectException(key, "truncated (" + sealed.length + " bytes)");
        }
        int n = sealed.length - 4;
        if ((int) crc32c(sealed, 0, n) != ByteBuffer.wrap(sealed).getInt(n)) {
            throw new CorruptObjectException(key, "CRC32C does not match (flipped or truncated bytes)");
        }
        return Arrays.copyOf(sealed, n);
    }

    /** The JSON with a trailing {@code crc32c} field. */
    public static byte[] sealJson(ObjectNode node) {
        try {
            byte[] plain = JSON.writeValueAsBytes(node);
            String tail = String.format("%08x\"}", crc32c(plain));
            byte[] out = Arrays.copyOf(plain, plain.length - 1 + FIELD.length + tail.length());
            System.arraycopy(FIELD, 0, out, plain.length - 1, FIELD.length);
            System.arraycopy(
                    tail.getBytes(StandardCharsets.US_ASCII), 0, out, plain.length - 1 + FIELD.length, tail.length());
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses JSON written by {@link #sealJson} after verifying its checksum.
     *
     * @throws CorruptObjectException naming {@code key}
     */
    public static JsonNode openJson(String key, byte[] sealed) {
        int at = lastIndexOf(sealed, FIELD);
        if (at < 0 || sealed.length != at + FIELD.length + 10 || sealed[sealed.length - 1] != '}') {
            throw new CorruptObjectException(key, "no crc32c field at the end (truncated or not ours)");
        }
        byte[] plain = Arrays.copyOf(sealed, at + 1);
        plain[at] = '}';
        String hex = new String(sealed, at + FIELD.length, 8, StandardCharsets.US_ASCII);
        long expected;
        try {
            expected = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new CorruptObjectException(key, "crc32c field is not hex");
        }
        if (crc32c(plain) != expected) {
            throw new CorruptObjectException(key, "CRC32C does not match (flipped or truncated bytes)");
        }
        try {
            return JSON.readTree(plain);
        } catch (IOException e) {
            throw new CorruptObjectException(key, "not JSON: " + e.getMessage());
        }
    }

    public static ObjectNode newJson() {
        return JSON.createObjectNode();
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
