package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.inference.convert.EmbeddingFixtures;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BERT embeddings from llama.cpp's own Q8_0 file against llama.cpp's reference vectors; batching; bad input. */
class BertModelTest {

    @BeforeEach
    void needShared() {
        Assumptions.assumeTrue(
                Files.exists(EmbeddingFixtures.SHARED_Q8) && Files.exists(EmbeddingFixtures.REFERENCE),
                "skipped: " + EmbeddingFixtures.SHARED_Q8.toAbsolutePath().normalize() + " or "
                        + EmbeddingFixtures.REFERENCE.getFileName() + " is absent (../shared/models)");
    }

    @Test
    void q8FileGivesLlamaCppsQ8Vectors() throws Exception {
        JsonNode ref = EmbeddingFixtures.reference();
        List<String> sentences = EmbeddingFixtures.sentences(ref);
        float[][] want = EmbeddingFixtures.vectors(ref, "all-MiniLM-L6-v2-Q8_0.gguf");
        try (BertModel m = BertModel.load(EmbeddingFixtures.SHARED_Q8)) {
            assertEquals(BertModel.Pooling.MEAN, m.config().pooling());
            assertEquals(384, m.config().dim());
            float[][] got = m.embed(sentences);
            for (int i = 0; i < sentences.size(); i++) {
                double cos = EmbeddingFixtures.cosine(want[i], got[i]);
                assertTrue(cos >= 0.9995, "sentence " + i + " '" + sentences.get(i) + "': cosine " + cos);
                double norm = EmbeddingFixtures.cosine(got[i], got[i]);
                assertEquals(1.0, norm, 1e-6);
            }
        }
    }

    @Test
    void aBatchGivesEachSentenceExactlyItsOwnVector() throws Exception {
        List<String> sentences = EmbeddingFixtures.sentences(EmbeddingFixtures.reference());
        try (BertModel m = BertModel.load(EmbeddingFixtures.SHARED_Q8)) {
            float[][] batch = m.embed(sentences);
            for (int i = 0; i < sentences.size(); i++) {
                assertArrayEquals(m.embed(List.of(sentences.get(i)))[0], batch[i], "sentence " + i);
            }
            // different sentences really give different vectors
            assertTrue(EmbeddingFixtures.cosine(batch[0], batch[1]) < 0.99);
        }
    }

    @Test
    void tokenizationWrapsInClsAndSepAndKeepsWithinTheContext() {
        try (BertModel m = BertModel.load(EmbeddingFixtures.SHARED_Q8)) {
            int[] ids = m.tokenize("Hello world");
            assertEquals(101, ids[0]);
            assertEquals(102, ids[ids.length - 1]);
            assertEquals(4, ids.length);
            int[] longIds = m.tokenize("word ".repeat(2000));
            assertEquals(m.maxTokens(), longIds.length);
            assertEquals(102, longIds[longIds.length - 1]);
            assertThrows(IllegalArgumentException.class, () -> m.embedTokens(List.of(new int[0])));
            assertThrows(IllegalArgumentException.class, () -> m.embedTokens(List.of(new int[] {101, 999_999, 102})));
            UnsupportedModelException e = assertThrows(
                    UnsupportedModelException.class,
                    () -> BertModel.load(GreedyGenerationTest.MODELS.resolve("stories260K-f32.gguf")));
            assertTrue(e.getMessage().contains("llama"), e.getMessage());
        }
    }
}
