package dev.abi.documents;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits text into chunks of at most {@code windowTokens} model tokens, each starting {@code overlapTokens} tokens
 * before the previous one ended. Cuts fall between words (whitespace-separated), preferring the end of a paragraph or
 * sentence in the last quarter of the window; only a single word longer than the whole window is cut inside. Each
 * chunk is a span of the original text, so its text is shown exactly as written.
 */
public final class Chunker {

    /** Chunk sizes in model tokens. */
    public record Options(int windowTokens, int overlapTokens) {
        public Options {
            if (windowTokens < 8) {
                throw new IllegalArgumentException("windowTokens must be at least 8, got " + windowTokens);
            }
            if (overlapTokens < 0 || overlapTokens >= windowTokens / 2) {
                throw new IllegalArgumentException(
                        "overlapTokens must be 0 to windowTokens/2 - 1, got " + overlapTokens);
            }
        }

        public static Options defaults() {
            return new Options(256, 32);
        }
    }

    /** A chunk: its text and where it sits in the document. */
    public record Chunk(String text, int start, int end, int tokens) {}

    private record Word(int start, int end, int tokens, boolean endsSentence, boolean endsParagraph) {}

    private final ToIntFunction<String> tokenCount;
    private final Options options;

    /** @param tokenCount the model's token count of a piece of text, without its markers */
    public Chunker(ToIntFunction<String> tokenCount, Options options) {
        this.tokenCount = tokenCount;
        this.options = options;
    }

    public List<Chunk> split(String text) {
        List<Word> words = words(text);
        List<Chunk> chunks = new ArrayList<>();
        int window = options.windowTokens();
        int i = 0;
        while (i < words.size()) {
            Word first = words.get(i);
            if (first.tokens() > window) {
                chunks.addAll(splitLongWord(text, first));
                i++;
                continue;
            }
            int tokens = 0;
            int j = i;
            while (j < words.size() && tokens + words.get(j).tokens() <= window) {
                tokens += words.get(j).tokens();
                j++;
            }
            int end = j;
            if (j < words.size()) {
                end = preferredCut(words, i, j, window);
            }
            int count = 0;
            for (int k = i; k < end; k++) {
                count += words.get(k).tokens();
            }
            chunks.add(new Chunk(
                    text.substring(first.start(), words.get(end - 1).end()),
                    first.start(),
                    words.get(end - 1).end(),
                    count));
            if (end >= words.size()) {
                break;
            }
            // the next chunk starts overlapTokens back, but always at least one word further on
            int back = end;
            int overlap = 0;
            while (back - 1 > i && overlap + words.get(back - 1).tokens() <= options.overlapTokens()) {
                back--;
                overlap += words.get(back).tokens();
            }
            i = back;
        }
        return chunks;
    }

    /** The end (exclusive) of the chunk of words i..j: a paragraph or sentence end in the window's last quarter. */
    private static int preferredCut(List<Word> words, int i, int j, int window) {
        int minTokens = window * 3 / 4;
        int tokens = 0;
        int sentence = -1;
        int paragraph = -1;
        for (int k = i; k < j; k++) {
            tokens += words.get(k).tokens();
            if (tokens >= minTokens) {
                if (words.get(k).endsParagraph()) {
                    paragraph = k + 1;
                } else if (words.get(k).endsSentence()) {
                    sentence = k + 1;
                }
            }
        }
        return paragraph > 0 ? paragraph : sentence > 0 ? sentence : j;
    }

    private List<Chunk> splitLongWord(String text, Word w) {
        List<Chunk> out = new ArrayList<>();
        int start = w.start();
        while (start < w.end()) {
            int lo = start + 1;
            int hi = w.end();
            // the longest prefix within the window, by bisection on characters
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (tokenCount.applyAsInt(text.substring(start, mid)) <= options.windowTokens()) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            int end = Character.isLowSurrogate(text.charAt(lo - 1)) || lo == w.end()
                    ? lo
                    : Character.isHighSurrogate(text.charAt(lo - 1)) ? lo - 1 : lo;
            end = Math.max(end, start + 1);
            String piece = text.substring(start, end);
            out.add(new Chunk(piece, start, end, tokenCount.applyAsInt(piece)));
            start = end;
        }
        return out;
    }

    private List<Word> words(String text) {
        List<Word> words = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String word = text.substring(start, i);
            char last = word.charAt(word.length() - 1);
            boolean sentence = last == '.' || last == '!' || last == '?' || last == ':' || last == ';';
            int k = i;
            int newlines = 0;
            while (k < n && Character.isWhitespace(text.charAt(k))) {
                if (text.charAt(k) == '\n') {
                    newlines++;
                }
                k++;
            }
            words.add(new Word(start, i, Math.max(1, tokenCount.applyAsInt(word)), sentence, newlines >= 2 || k >= n));
        }
        return words;
    }
}
