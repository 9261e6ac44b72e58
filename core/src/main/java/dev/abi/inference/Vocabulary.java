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
}
