package dev.abi.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Text to token ids, as the model's vocabulary defines it. */
public interface Tokenizer {

    /** Token ids of {@code text} (no BOS); special-token text is tokenized as plain text. */
    int[] encode(String text);

    /** Token ids where the text of control and user-defined tokens (a chat template's markers) becomes those tokens. */
    int[] encodeWithSpecials(String text);

    /**
     * The tokenizer a GGUF file names in {@code tokenizer.ggml.model}: {@code llama} (SentencePiece) or {@code gpt2}
     * (byte-level BPE). WordPiece ({@code bert}) is for embedding models.
     *
     * @throws UnsupportedModelException for any other
     */
    static Tokenizer from(GgufFile f) {
        String model = f.string("tokenizer.ggml.model");
        return switch (model) {
            case "llama" -> SpmTokenizer.from(f);
            case "gpt2" -> BpeTokenizer.from(f);
            default ->
                throw new UnsupportedModelException(f.path() + ": tokenizer '" + model
                        + "' is not supported for generation yet (llama and gpt2 are)");
        };
    }

    /** Splits {@code text} at the given special-token strings, encoding the text between with {@code plain}. */
    static int[] withSpecials(
            String text, List<String> specials, Map<String, Integer> ids, BiFunction<String, Boolean, int[]> plain) {
        List<Integer> out = new ArrayList<>();
        int at = 0;
        boolean first = true;
        while (at < text.length()) {
            int bestAt = -1;
            String best = null;
            for (String sp : specials) {
                int i = text.indexOf(sp, at);
                if (i >= 0 && (bestAt < 0 || i < bestAt || (i == bestAt && sp.length() > best.length()))) {
                    bestAt = i;
                    best = sp;
                }
            }
            int end = bestAt < 0 ? text.length() : bestAt;
            if (end > at) {
                for (int id : plain.apply(text.substring(at, end), first)) {
                    out.add(id);
                }
            }
            if (best == null) {
                break;
            }
            out.add(ids.get(best));
            at = bestAt + best.length();
            first = false;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
