package dev.abi.inference;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The token pieces of a GGUF vocabulary, for decoding ids to text. SentencePiece pieces use {@code U+2581} for a
 * space and {@code <0xNN>} for raw bytes; byte-level BPE pieces spell bytes in GPT-2's printable alphabet; control
 * tokens (BOS, EOS) decode to nothing.
 */
public final class Vocabulary {

    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    private final String[] pieces;
    private final int[] types;
    private final int bos;
    private final int eos;

    private final boolean byteLevel;

    private Vocabulary(String[] pieces, int[] types, int bos, int eos, boolean byteLevel) {
        this.byteLevel = byteLevel;
        this.pieces = pieces;
        this.types = types;
        this.bos = bos;
        this.eos = eos;
    }

    /** The vocabulary of a GGUF file (a model, or a vocabulary-only file such as llama.cpp's {@code ggml-vocab-*}). */
    public static Vocabulary from(GgufFile f) {
        String[] pieces = f.strings("tokenizer.ggml.tokens");
        int[] types = f.metadata().containsKey("tokenizer.ggml.token_type")
                ? f.ints("tokenizer.ggml.token_type")
                : new int[pieces.length];
        if (types.length != pieces.length) {
            throw new ModelFormatException(
                    f.path() + ": " + types.length + " token types for " + pieces.length + " tokens");
        }
        Object model = f.metadata().get("tokenizer.ggml.model");
        return new Vocabulary(
                pieces,
                types,
                (int) f.integer("tokenizer.ggml.bos_token_id", 1),
                (int) f.integer("tokenizer.ggml.eos_token_id", 2),
                "gpt2".equals(model));
    }

    public int size() {
        return pieces.length;
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    /** The text of a sequence of token ids. */
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= pieces.length || types[id] == CONTROL) {
                continue;
            }
            String piece = pieces[id];
            if (byteLevel) {
                for (int c = 0; c < piece.length(); c++) {
                    int b = BpeTokenizer.byteOf(piece.charAt(c));
                    if (b >= 0) {
                        out.write(b);
                    }
                }
                continue;
            }
            if (types[id] == BYTE && piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
                out.write(Integer.parseInt(piece.substring(3, 5), 16));
            } else {
                out.writeBytes(piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A decoder of ids appended one at a time (generation's output), for this vocabulary. */
    public Decoder decoder() {
        return new Decoder();
    }

    /**
     * Decodes a sequence of ids that grows one id at a time: {@link #text()} is always exactly what {@link
     * #decode(int[])} gives for all ids appended so far, but an append decodes only the new bytes (those after the
     * last byte that ends a character for good), so it costs and allocates in proportion to the new token, not to
     * the text so far. Not thread-safe.
     */
    public final class Decoder {
        private byte[] pending = new byte[64];
        private int pendingLength;
        private final StringBuilder text = new StringBuilder();
        /** Characters of {@link #text} that no later byte can change. */
        private int committed;

        private Decoder() {}

        /** Appends {@code id}'s bytes (nothing for control tokens and ids outside the vocabulary). */
        public void append(int id) {
            if (id < 0 || id >= pieces.length || types[id] == CONTROL) {
                return;
            }
            String piece = pieces[id];
            if (byteLevel) {
                for (int c = 0; c < piece.length(); c++) {
                    int b = BpeTokenizer.byteOf(piece.charAt(c));
                    if (b >= 0) {
                        put(b);
                    }
                }
            } else if (types[id] == BYTE && piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
                put(Character.digit(piece.charAt(3), 16) << 4 | Character.digit(piece.charAt(4), 16));
            } else {
                putUtf8(piece);
            }
            // bytes up to an ASCII byte decode alike whatever follows (a malformed sequence never takes an ASCII
            // byte); so do bytes that are well-formed UTF-8 as a whole
            int split = wellFormed(pending, pendingLength) ? pendingLength : lastAsciiEnd();
            text.setLength(committed);
            if (split > 0) {
                text.append(new String(pending, 0, split, StandardCharsets.UTF_8));
                committed = text.length();
                System.arraycopy(pending, split, pending, 0, pendingLength - split);
                pendingLength -= split;
            }
            if (pendingLength > 0) {
                text.append(new String(pending, 0, pendingLength, StandardCharsets.UTF_8));
            }
        }

        /** The text of the ids appended so far (a live view: it changes with the next append). */
        public CharSequence text() {
            return text;
        }

        private int lastAsciiEnd() {
            int i = pendingLength;
            while (i > 0 && pending[i - 1] < 0) {
                i--;
            }
            return i;
        }

        private void put(int b) {
            if (pendingLength == pending.length) {
                pending = java.util.Arrays.copyOf(pending, pending.length * 2);
            }
            pending[pendingLength++] = (byte) b;
        }

        /** {@code piece} with U+2581 as a space, in UTF-8 as {@link String#getBytes} writes it ('?' for a lone surrogate). */
        private void putUtf8(String piece) {
            for (int i = 0; i < piece.length(); i++) {
                char c = piece.charAt(i);
                if (c == '\u2581') {
                    c = ' ';
                }
                if (c < 0x80) {
                    put(c);
                } else if (c < 0x800) {
                    put(0xC0 | c >> 6);
                    put(0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c)
                        && i + 1 < piece.length()
                        && Character.isLowSurrogate(piece.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, piece.charAt(++i));
                    put(0xF0 | cp >> 18);
                    put(0x80 | cp >> 12 & 0x3F);
                    put(0x80 | cp >> 6 & 0x3F);
                    put(0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    put('?');
                } else {
                    put(0xE0 | c >> 12);
                    put(0x80 | c >> 6 & 0x3F);
                    put(0x80 | c & 0x3F);
                }
            }
        }
    }

    /** Whether the first {@code n} bytes are well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or partial characters). */
    static boolean wellFormed(byte[] b, int n) {
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                lo = c == 0xE0 ? 0xA0 : 0x80;
                hi = c == 0xED ? 0x9F : 0xBF;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                lo = c == 0xF0 ? 0x90 : 0x80;
                hi = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                return false;
            }
            if (i + need >= n) {
                return false;
            }
            int c1 = b[i + 1] & 0xFF;
            if (c1 < lo || c1 > hi) {
                return false;
            }
            for (int k = 2; k <= need; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += need + 1;
        }
        return true;
    }
}
