package dev.abi.inference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece tokenization as llama.cpp does it for {@code tokenizer.ggml.model = llama}: spaces become
 * {@code U+2581} (with a leading one when {@code add_space_prefix}), the text is split into characters, and adjacent
 * pairs are merged greedily by the score of the token they form (highest first, leftmost on ties). A final symbol
 * that is not a token falls back to its UTF-8 bytes as {@code <0xNN>} tokens.
 */
public final class SpmTokenizer implements Tokenizer {

    private final Map<String, Integer> ids = new HashMap<>();
    private final float[] scores;
    private final int[] byteTokens = new int[256];
    private final boolean addSpacePrefix;

    private final List<String> specials = new ArrayList<>();

    SpmTokenizer(String[] tokens, float[] scores, int[] types, boolean addSpacePrefix) {
        this.scores = scores;
        this.addSpacePrefix = addSpacePrefix;
        for (int i = 0; i < tokens.length; i++) {
            ids.putIfAbsent(tokens[i], i);
            if (types != null && (types[i] == 3 || types[i] == 4) && !tokens[i].isEmpty()) {
                specials.add(tokens[i]); // control and user-defined tokens: matched whole in encodeWithSpecials
            }
        }
        specials.sort((a, b) -> Integer.compare(b.length(), a.length()));
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = ids.getOrDefault(String.format("<0x%02X>", b), -1);
        }
    }

    /**
     * The tokenizer of a GGUF file.
     *
     * @throws UnsupportedModelException when the file's tokenizer is not SentencePiece
     */
    public static SpmTokenizer from(GgufFile f) {
        String model = f.string("tokenizer.ggml.model");
        if (!model.equals("llama")) {
            throw new UnsupportedModelException(
                    f.path() + ": tokenizer '" + model + "' is not supported yet" + " (SentencePiece, 'llama', is)");
        }
        String[] tokens = f.strings("tokenizer.ggml.tokens");
        float[] scores = f.floats("tokenizer.ggml.scores");
        if (scores.length != tokens.length) {
            throw new ModelFormatException(
                    f.path() + ": " + scores.length + " scores for " + tokens.length + " tokens");
        }
        Object prefix = f.metadata().get("tokenizer.ggml.add_space_prefix");
        int[] types =
                f.metadata().containsKey("tokenizer.ggml.token_type") ? f.ints("tokenizer.ggml.token_type") : null;
        if (types != null && types.length != tokens.length) {
            throw new ModelFormatException(
                    f.path() + ": " + types.length + " token types for " + tokens.length + " tokens");
        }
        return new SpmTokenizer(tokens, scores, types, !(prefix instanceof Boolean b) || b);
    }

    private static final class Symbol {
        String text;
        int prev;
        int next;

        Symbol(String text, int prev, int next) {
            this.text = text;
            this.prev = prev;
            this.next = next;
        }
    }

    private record Bigram(int left, int right, float score, int size) {}

    @Override
    public int[] encode(String text) {
        return encode(text, addSpacePrefix);
    }

    /**
     * Token ids of {@code text}, where the text of a control or user-defined token (a chat template's markers)
     * becomes that token; the text between them is tokenized normally, with the space prefix only at the start.
     */
    @Override
    public int[] encodeWithSpecials(String text) {
        return Tokenizer.withSpecials(text, specials, ids, (piece, first) -> encode(piece, first && addSpacePrefix));
    }

    private int[] encode(String text, boolean spacePrefix) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String escaped = ((spacePrefix ? " " : "") + text).replace(' ', '\u2581');
        List<Symbol> symbols = new ArrayList<>();
        int i = 0;
        while (i < escaped.length()) {
            int n = Character.charCount(escaped.codePointAt(i));
            symbols.add(new Symbol(escaped.substring(i, i + n), symbols.size() - 1, symbols.size() + 1));
            i += n;
        }
        symbols.get(symbols.size() - 1).next = -1;
        PriorityQueue<Bigram> queue = new PriorityQueue<>(
                (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        Map<String, int[]> reverseMerges = new HashMap<>();
        for (int s = 1; s < symbols.size(); s++) {
            tryAddBigram(symbols, s - 1, s, queue, reverseMerges);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            Symbol left = symbols.get(bigram.left);
            Symbol right = symbols.get(bigram.right);
            if (left.text.isEmpty()
                    || right.text.isEmpty()
                    || left.text.length() + right.text.length() != bigram.size) {
                continue; // one side was merged away meanwhile
            }
            left.text = left.text + right.text;
            right.text = "";
            left.next = right.next;
            if (right.next >= 0) {
                symbols.get(right.next).prev = bigram.left;
            }
            tryAddBigram(symbols, left.prev, bigram.left, queue, reverseMerges);
            tryAddBigram(symbols, bigram.left, left.next, queue, reverseMerges);
        }
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s != -1; s = symbols.get(s).next) {
            resegment(symbols.get(s).text, reverseMerges, out);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void tryAddBigram(
            List<Symbol> symbols, int left, int right, PriorityQueue<Bigram> queue, Map<String, int[]> reverseMerges) {
        if (left < 0 || right < 0) {
            return;
        }
        String text = symbols.get(left).text + symbols.get(right).text;
        Integer id = ids.get(text);
        if (id == null) {
            return;
        }
        queue.add(new Bigram(left, right, scores[id], text.length()));
        reverseMerges.put(text, new int[] {left, right});
    }

    private void resegment(String text, Map<String, int[]> reverseMerges, List<Integer> out) {
        Integer id = ids.get(text);
        if (id != null) {
            out.add(id);
            return;
        }
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int t = byteTokens[b & 0xFF];
            if (t >= 0) {
                out.add(t);
            }
        }
    }
}
