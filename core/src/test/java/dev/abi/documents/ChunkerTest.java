package dev.abi.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Chunks stay within the window, overlap as configured, cut between words, and cover the whole text. */
class ChunkerTest {

    /** A stand-in tokenizer: one token per 4 characters of a word, at least one. */
    private static int tokens(String s) {
        int n = 0;
        for (String w : s.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                n += Math.max(1, (w.length() + 3) / 4);
            }
        }
        return n;
    }

    private static String randomText(Random rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            int len = 1 + rnd.nextInt(12);
            for (int c = 0; c < len; c++) {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
            sb.append(rnd.nextInt(15) == 0 ? ". " : rnd.nextInt(40) == 0 ? "\n\n" : " ");
        }
        return sb.toString();
    }

    @Test
    void chunksFitTheWindowOverlapAndCoverEveryWord() {
        Random rnd = new Random(5);
        for (int round = 0; round < 50; round++) {
            String text = randomText(rnd, 50 + rnd.nextInt(800));
            int window = 16 + rnd.nextInt(100);
            int overlap = rnd.nextInt(window / 2);
            List<Chunker.Chunk> chunks =
                    new Chunker(ChunkerTest::tokens, new Chunker.Options(window, overlap)).split(text);
            assertTrue(!chunks.isEmpty());
            assertEquals(
                    0,
                    chunks.get(0).start() - (text.length() - text.stripLeading().length()));
            assertEquals(
                    text.stripTrailing().length(), chunks.get(chunks.size() - 1).end());
            for (int i = 0; i < chunks.size(); i++) {
                Chunker.Chunk c = chunks.get(i);
                assertTrue(c.tokens() <= window, "chunk " + i + " has " + c.tokens() + " tokens > " + window);
                assertEquals(text.substring(c.start(), c.end()), c.text());
                assertTrue(c.start() == 0 || Character.isWhitespace(text.charAt(c.start() - 1)), "starts at a word");
                assertTrue(c.end() == text.length() || Character.isWhitespace(text.charAt(c.end())), "ends at a word");
                if (i > 0) {
                    Chunker.Chunk prev = chunks.get(i - 1);
                    assertTrue(c.start() > prev.start(), "progress");
                    assertTrue(c.start() <= prev.end() + 2, "no gap: every word is in a chunk");
                    int shared = c.start() < prev.end() ? tokens(text.substring(c.start(), prev.end())) : 0;
                    assertTrue(shared <= overlap, "overlap " + shared + " > " + overlap);
                }
            }
        }
    }

    @Test
    void aWordLongerThanTheWindowIsCutInsideItAndShortTextIsOneChunk() {
        String word = "x".repeat(200); // 50 tokens
        List<Chunker.Chunk> chunks =
                new Chunker(ChunkerTest::tokens, new Chunker.Options(16, 2)).split("before " + word + " after");
        assertEquals(
                word,
                String.join(
                        "",
                        chunks.stream()
                                .map(Chunker.Chunk::text)
                                .filter(t -> t.startsWith("x"))
                                .toList()));
        assertTrue(chunks.stream().allMatch(c -> c.tokens() <= 16));
        assertEquals(
                1,
                new Chunker(ChunkerTest::tokens, Chunker.Options.defaults())
                        .split("short text")
                        .size());
        assertThrows(IllegalArgumentException.class, () -> new Chunker.Options(4, 0));
        assertThrows(IllegalArgumentException.class, () -> new Chunker.Options(64, 40));
    }

    @Test
    void cutsPreferTheEndOfASentenceNearTheWindowsEnd() {
        // 13 tokens up to "nine.", then "ten" would still fit in the window of 15
        String text = "one two three four five six seven eight nine. ten eleven twelve";
        List<Chunker.Chunk> chunks = new Chunker(ChunkerTest::tokens, new Chunker.Options(15, 0)).split(text);
        assertEquals(
                "one two three four five six seven eight nine.", chunks.get(0).text());
        assertEquals("ten eleven twelve", chunks.get(1).text());
    }
}
