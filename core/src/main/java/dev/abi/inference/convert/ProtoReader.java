package dev.abi.inference.convert;

import dev.abi.inference.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A reader of the protobuf wire format over a byte window: enough of it for ONNX files (varints, fixed 32/64-bit
 * values, length-delimited fields and nested messages). Every length is checked against the window, so a truncated
 * or hostile file fails with a {@link ModelFormatException} naming the offset, never with an allocation of a bogus
 * size.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buf;
    private final String what;
    private int pos;
    private final int end;
    private int wireType;

    ProtoReader(ByteBuffer buf, String what) {
        this(buf.order(ByteOrder.LITTLE_ENDIAN), what, 0, buf.limit());
    }

    private ProtoReader(ByteBuffer buf, String what, int pos, int end) {
        this.buf = buf;
        this.what = what;
        this.pos = pos;
        this.end = end;
    }

    boolean hasNext() {
        return pos < end;
    }

    /** The next field's number; its wire type is then {@link #wireType()}. */
    int next() {
        long key = varint();
        wireType = (int) (key & 7);
        long field = key >>> 3;
        if (field <= 0 || field > Integer.MAX_VALUE) {
            throw bad("field number " + field);
        }
        return (int) field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw bad("a varint running past the end");
            }
            byte b = buf.get(pos++);
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw bad("a varint longer than 10 bytes");
    }

    int fixed32() {
        need(4);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    long fixed64() {
        need(8);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    private int length() {
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw bad("a length of " + len + " bytes with " + (end - pos) + " left");
        }
        return (int) len;
    }

    /** A length-delimited field as a little-endian window on the same bytes (nothing copied). */
    ByteBuffer bytes() {
        int len = length();
        ByteBuffer slice = buf.slice(pos, len).order(ByteOrder.LITTLE_ENDIAN);
        pos += len;
        return slice;
    }

    String string() {
        int len = length();
        byte[] b = new byte[len];
        buf.get(pos, b);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A nested message. */
    ProtoReader message() {
        int len = length();
        ProtoReader r = new ProtoReader(buf, what, pos, pos + len);
        pos += len;
        return r;
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> {
                need(8);
                pos += 8;
            }
            case LENGTH -> {
                int len = length(); // read first: it moves pos past the length's own bytes
                pos += len;
            }
            case FIXED32 -> {
                need(4);
                pos += 4;
            }
            default -> throw bad("wire type " + wireType);
        }
    }

    private void need(int n) {
        if (end - pos < n) {
            throw bad("a " + n + "-byte value running past the end");
        }
    }

    private ModelFormatException bad(String problem) {
        return new ModelFormatException(what + ": malformed protobuf at byte " + pos + ": " + problem);
    }
}
