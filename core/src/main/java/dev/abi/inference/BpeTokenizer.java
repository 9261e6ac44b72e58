package dev.abi.inference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE as llama.cpp does it for {@code tokenizer.ggml.model = gpt2}: the text is split by the
 * pre-tokenizer of {@code tokenizer.ggml.pre} ({@code llama-bpe}, {@code qwen2}, {@code gpt-2}), each piece's UTF-8
 * bytes are mapped to GPT-2's printable byte alphabet, and adjacent symbols are merged by the rank of their pair in
 * {@code tokenizer.ggml.merges} (lowest first, leftmost on ties). Llama 3 takes a piece that is already a token
 * whole, without merging.
 */
public final class BpeTokenizer implements Tokenizer {

    private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String GPT2 =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+" + "|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + n++);
        }
    }

    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Pattern pretokenizer;
    private final boolean ignoreMerges;

    private final List<String> specials = new ArrayList<>();

    BpeTokenizer(String[] tokens, int[] types, String[] merges, String pre) {
        for (int i = 0; i < tokens.length; i++) {
            ids.putIfAbsent(tokens[i], i);
            if (types != null && (types[i] == 3 || types[i] == 4) && !tokens[i].isEmpty()) {
                specials.add(tokens[i]);
            }
        }
        for (int i = 0; i < merges.length; i++) {
            ranks.putIfAbsent(merges[i], i);
        }
        String regex = switch (pre) {
            case "llama-bpe", "llama3", "llama-v3" -> LLAMA3;
            case "qwen2" -> QWEN2;
            case "gpt-2", "gpt2", "default" -> GPT2;
            default ->
                throw new UnsupportedModelException(
                        "BPE pre-tokenizer '" + pre + "' is not supported yet" + " (llama-bpe, qwen2 and gpt-2 are)");
        };
        this.pretokenizer = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        this.ignoreMerges = regex == LLAMA3;
    }

    /**
     * The tokenizer of a GGUF file.
     *
     * @throws UnsupportedModelException when the file's tokenizer is not byte-level BPE, or its pre-tokenizer is not
     *     built
     */
    public static BpeTokenizer from(GgufFile f) {
        String model = f.string("tokenizer.ggml.model");
        if (!model.equals("gpt2")) {
            throw new UnsupportedModelException(f.path() + ": tokenizer '" + model + "' is not byte-level BPE (gpt2)");
        }
        Object pre = f.metadata().get("tokenizer.ggml.pre");
        int[] types =
                f.metadata().containsKey("tokenizer.ggml.token_type") ? f.ints("tokenizer.ggml.token_type") : null;
        return new BpeTokenizer(
                f.strings("tokenizer.ggml.tokens"),
                types,
                f.strings("tokenizer.ggml.merges"),
                pre instanceof String s ? s : "default");
    }

    private record Bigram(int left, int right, int rank, String text) {}

    @Override
    public int[] encodeWithSpecials(String text) {
        return Tokenizer.withSpecials(text, specials, ids, (piece, first) -> encode(piece));
    }

    /** The byte a character of GPT-2's byte alphabet stands for, or -1. */
    static int byteOf(char c) {
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] == c) {
                return b;
            }
        }
        return -1;
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = pretokenizer.matcher(text);
        while (m.find()) {
            encodeWord(m.group(), out);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void encodeWord(String word, List<Integer> out) {
        StringBuilder mapped = new StringBuilder();
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            mapped.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        String w = mapped.toString();
        Integer whole = ids.get(w);
        if (ignoreMerges && whole != null) {
            out.add(whole);
            return;
        }
        List<String> symbols = new ArrayList<>();
        int i = 0;
        while (i < w.length()) {
            int n = Character.charCount(w.codePointAt(i));
            symbols.add(w.substring(i, i + n));
            i += n;
        }
        int[] prev = new int[symbols.size()];
        int[] next = new int[symbols.size()];
        for (int s = 0; s < symbols.size(); s++) {
            prev[s] = s - 1;
            next[s] = s + 1 < symbols.size() ? s + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(
                (a, b) -> a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int s = 1; s < symbols.size(); s++) {
            addBigram(symbols, s - 1, s, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            String left = symbols.get(bg.left);
            String right = symbols.get(bg.right);
            if (left.isEmpty() || right.isEmpty() || !(left + right).equals(bg.text) || next[bg.left] != bg.right) {
                continue; // outdated
            }
            symbols.set(bg.left, bg.text);
            symbols.set(bg.right, "");
            next[bg.left] = next[bg.right];
            if (next[bg.right] >= 0) {
                prev[next[bg.right]] = bg.left;
            }
            if (prev[bg.left] >= 0) {
                addBigram(symbols, prev[bg.left], bg.left, queue);
            }
            if (next[bg.left] >= 0) {
                addBigram(symbols, bg.left, next[bg.left], queue);
            }
        }
        for (int s = 0; s >= 0; s = next[s]) {
            String sym = symbols.get(s);
            Integer id = ids.get(sym);
            if (id != null) {
                out.add(id);
            } else {
                for (int c = 0; c < sym.length(); c++) {
                    Integer b = ids.get(String.valueOf(sym.charAt(c)));
                    if (b != null) {
                        out.add(b);
                    }
                }
            }
        }
    }

    private void addBigram(List<String> symbols, int left, int right, PriorityQueue<Bigram> queue) {
        String l = symbols.get(left);
        String r = symbols.get(right);
        Integer rank = ranks.get(l + " " + r);
        if (rank != null) {
            queue.add(new Bigram(left, right, rank, l + r));
        }
    }
}
