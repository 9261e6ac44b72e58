package dev.abi.inference;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WordPiece as llama.cpp does it for {@code tokenizer.ggml.model = bert} (the vocabulary of bge and MiniLM): the
 * text is NFD-normalized, stripped of accents and lower-cased, split at whitespace, with punctuation, ASCII symbols and CJK ideographs as
 * words of their own; each word, with a leading {@code U+2581}, is cut into the longest vocabulary pieces from the
 * left, and a word with any part that matches nothing becomes {@code [UNK]}.
 */
public final class WordPieceTokenizer {

    private final Map<String, Integer> ids = new HashMap<>();
    private final int maxTokenBytes;
    private final int unknown;
    private final int cls;
    private final int sep;

    WordPieceTokenizer(String[] tokens, int unknown, int cls, int sep) {
        int max = 1;
        for (int i = 0; i < tokens.length; i++) {
            byte[] utf8 = tokens[i].getBytes(StandardCharsets.UTF_8);
            ids.putIfAbsent(new String(utf8, StandardCharsets.ISO_8859_1), i);
            max = Math.max(max, utf8.length);
        }
        this.maxTokenBytes = max;
        this.unknown = unknown;
        this.cls = cls;
        this.sep = sep;
    }

    /**
     * The tokenizer of a GGUF file.
     *
     * @throws UnsupportedModelException when the file's tokenizer is not WordPiece
     */
    public static WordPieceTokenizer from(GgufFile f) {
        String model = f.string("tokenizer.ggml.model");
        if (!model.equals("bert")) {
            throw new UnsupportedModelException(f.path() + ": tokenizer '" + model + "' is not WordPiece (bert)");
        }
        return new WordPieceTokenizer(
                f.strings("tokenizer.ggml.tokens"),
                (int) f.integer("tokenizer.ggml.unknown_token_id", 100),
                (int) f.integer("tokenizer.ggml.cls_token_id", 101),
                (int) f.integer("tokenizer.ggml.seperator_token_id", 102));
    }

    public int cls() {
        return cls;
    }

    public int sep() {
        return sep;
    }

    /** Token ids of {@code text}, without {@code [CLS]} and {@code [SEP]}. */
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        for (String word : words(text)) {
            byte[] w = ("\u2581" + word).getBytes(StandardCharsets.UTF_8);
            String bytes = new String(w, StandardCharsets.ISO_8859_1);
            int before = out.size();
            int n = bytes.length();
            for (int i = 0; i < n; i++) {
                boolean match = false;
                for (int j = Math.min(n, i + maxTokenBytes + 1); j > i; j--) {
                    Integer id = ids.get(bytes.substring(i, j));
                    if (id != null) {
                        out.add(id);
                        match = true;
                        i = j - 1;
                        break;
                    }
                }
                if (!match) {
                    while (out.size() > before) {
                        out.remove(out.size() - 1);
                    }
                    break;
                }
            }
            if (out.size() == before) {
                out.add(unknown);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<String> words(String text) {
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                flush(words, current);
                continue;
            }
            int type = Character.getType(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(type) || type == Character.NON_SPACING_MARK) {
                continue; // controls, and the accents NFD split off
            }
            String lower = new String(Character.toChars(Character.toLowerCase(cp)));
            if (isPunctuation(type) || (cp < 0x7F && isSymbol(type)) || isChinese(cp)) {
                flush(words, current);
                words.add(lower);
            } else {
                current.append(lower);
            }
        }
        flush(words, current);
        return words;
    }

    private static void flush(List<String> words, StringBuilder current) {
        if (!current.isEmpty()) {
            words.add(current.toString());
            current.setLength(0);
        }
    }

    private static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D)
                || cp == 0x20
                || cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    private static boolean isControl(int type) {
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.SURROGATE
                || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }

    private static boolean isPunctuation(int type) {
        return type == Character.CONNECTOR_PUNCTUATION
                || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION
                || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isSymbol(int type) {
        return type == Character.MATH_SYMBOL
                || type == Character.CURRENCY_SYMBOL
                || type == Character.MODIFIER_SYMBOL
                || type == Character.OTHER_SYMBOL;
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
