package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming decoder generation uses ({@link Vocabulary.Decoder}) gives after every appended id exactly the text
 * {@link Vocabulary#decode(int[])} gives for all ids so far, on SentencePiece (byte tokens) and byte-level BPE
 * vocabularies, with half the ids drawn from those that decode to non-ASCII or broken characters.
 */
class VocabularyDecoderTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "tokenizer/ggml-vocab-llama-spm.gguf",
                "tokenizer/ggml-vocab-llama-bpe.gguf",
                "tokenizer/ggml-vocab-qwen2.gguf",
                "tokenizer/ggml-vocab-phi-3.gguf",
                "models/stories260K/stories260K-f32.gguf"
            })
    void streamingDecodeEqualsWholeDecodeAfterEveryId(String file) {
        Path path = SharedFixtures.path(file.split("/"));
        Assumptions.assumeTrue(
                Files.exists(path), "skipped: " + path.toAbsolutePath().normalize() + " is absent (../shared)");
        Vocabulary vocab;
        try (GgufFile f = GgufFile.open(path)) {
            vocab = Vocabulary.from(f);
        }
        List<Integer> unusual = new ArrayList<>(); // ids whose text alone is not plain ASCII
        for (int id = 0; id < vocab.size(); id++) {
            String t = vocab.decode(new int[] {id});
            if (t.chars().anyMatch(c -> c >= 0x80)) {
                unusual.add(id);
            }
        }
        assertFalse(unusual.isEmpty(), "the vocabulary has non-ASCII or byte tokens to exercise");
        SplittableRandom random = new SplittableRandom(22);
        for (int run = 0; run < 20; run++) {
            Vocabulary.Decoder d = vocab.decoder();
            int[] ids = new int[100];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextBoolean()
                        ? random.nextInt(vocab.size())
                        : unusual.get(random.nextInt(unusual.size()));
                d.append(ids[i]);
                assertEquals(
                        vocab.decode(Arrays.copyOf(ids, i + 1)),
                        d.text().toString(),
                        path.getFileName() + ": after ids " + Arrays.toString(Arrays.copyOf(ids, i + 1)));
            }
        }
    }

    @Test
    void wellFormedFollowsUtf8Rules() {
        assertTrue(Vocabulary.wellFormed("a\u00e9\u20ac\ud83d\ude00".getBytes(StandardCharsets.UTF_8), 10));
        assertFalse(Vocabulary.wellFormed(new byte[] {(byte) 0xE2, (byte) 0x82}, 2), "a partial character");
        assertFalse(Vocabulary.wellFormed(new byte[] {(byte) 0xC0, (byte) 0x80}, 2), "an overlong form");
        assertFalse(Vocabulary.wellFormed(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 3), "a surrogate");
        assertFalse(Vocabulary.wellFormed(new byte[] {(byte) 0x80}, 1), "a lone continuation byte");
        assertFalse(
                Vocabulary.wellFormed(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 4),
                "beyond U+10FFFF");
    }
}
