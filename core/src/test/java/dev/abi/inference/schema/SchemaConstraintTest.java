package dev.abi.inference.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.inference.GgufFile;
import dev.abi.inference.Vocabulary;
import dev.abi.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token mask walks the vocabulary's trie; it must allow exactly the tokens that trying each token's whole text
 * on its own allows, at every step of a matching text, on a SentencePiece and a byte-level BPE vocabulary.
 */
class SchemaConstraintTest {

    @ParameterizedTest
    @ValueSource(strings = {"models/stories260K/stories260K-Q8_0.gguf", "tokenizer/ggml-vocab-llama-bpe.gguf"})
    void theTrieMaskEqualsTryingEveryTokenAlone(String file) throws Exception {
        Path path = SharedFixtures.path(file.split("/"));
        Assumptions.assumeTrue(
                Files.exists(path), "skipped: " + path.toAbsolutePath().normalize() + " is absent");
        Vocabulary vocab = Vocabulary.from(GgufFile.open(path));
        SchemaNode schema = SchemaCompiler.compile(new ObjectMapper().readTree(SchemaPrefixTest.SCHEMA), false);
        String text = "{\"name\":\"Tom\",\"age\":-3,\"score\":2.5,\"ok\":false,\"nothing\":null,\"color\":12,"
                + "\"kind\":\"pet\",\"nick\":null,\"tags\":[\"a\"],\"owner\":{\"id\":0}}";
        walk(vocab, schema, text, text.length() + 3);
        // the shortest value on a budget of exactly its length: the budget decides at every step
        String shortest = "{\"name\":\"\",\"age\":0,\"score\":0,\"ok\":true,\"nothing\":null,\"color\":1,"
                + "\"kind\":\"pet\",\"nick\":\"\",\"tags\":[\"\"],\"owner\":{\"id\":0}}";
        assertEquals(schema.minLength(), shortest.length());
        walk(vocab, schema, shortest, shortest.length());
    }

    private static void walk(Vocabulary vocab, SchemaNode schema, String text, int budget) {
        List<String> stops = List.of("</s>");
        SchemaConstraint constraint = new SchemaConstraint(schema, vocab, stops);
        SchemaPrefix state = SchemaPrefix.start(schema);
        for (int i = 0; i <= text.length(); i++) {
            float[] logits = new float[vocab.size()];
            boolean any = constraint.mask(logits, budget - i);
            assertTrue(any, "the text's own next character is allowed");
            // every step on a small vocabulary; every 7th on a large one (each check tries every token alone)
            boolean check = vocab.size() < 10_000 || i % 7 == 0 || i == text.length() || text.charAt(i - 1) == '"';
            for (int id = 0; check && id < vocab.size(); id++) {
                String piece = vocab.decode(new int[] {id});
                boolean expected;
                if (id == vocab.eos()) {
                    expected = state.complete();
                } else if (state.complete() || piece.isEmpty() || piece.contains("</s>")) {
                    expected = false;
                } else {
                    SchemaPrefix next = state.acceptAll(piece);
                    expected = next != null && budget - i - 1 >= next.minToClose();
                }
                assertEquals(
                        expected, logits[id] == 0f, "token " + id + " [" + piece + "] after " + text.substring(0, i));
            }
            if (i < text.length()) {
                int single = singleCharToken(vocab, text.charAt(i));
                constraint.accept(single);
                state = state.accept(text.charAt(i));
            }
        }
        assertTrue(state.complete());
        float[] logits = new float[vocab.size()];
        constraint.mask(logits, 1);
        for (int id = 0; id < vocab.size(); id++) {
            assertEquals(id == vocab.eos(), logits[id] == 0f, "only end-of-sequence after the value");
        }
        assertFalse(
                new SchemaConstraint(schema, vocab, stops).mask(new float[vocab.size()], 1),
                "no single token is a whole value");
    }

    @org.junit.jupiter.api.Test
    void aTokenThatWouldFinishAStopSequenceBegunBeforeItIsRefused() throws Exception {
        Path path = SharedFixtures.path("models", "stories260K", "stories260K-Q8_0.gguf");
        Assumptions.assumeTrue(
                Files.exists(path), "skipped: " + path.toAbsolutePath().normalize() + " is absent");
        Vocabulary vocab = Vocabulary.from(GgufFile.open(path));
        SchemaNode schema = SchemaCompiler.compile(new ObjectMapper().readTree(SchemaPrefixTest.SCHEMA), false);
        SchemaConstraint constraint = new SchemaConstraint(schema, vocab, List.of("xyz"));
        for (char c : "{\"name\":\"x".toCharArray()) {
            constraint.accept(singleCharToken(vocab, c));
        }
        float[] logits = new float[vocab.size()];
        assertTrue(constraint.mask(logits, 300));
        for (int id = 0; id < vocab.size(); id++) {
            String piece = vocab.decode(new int[] {id});
            if (piece.startsWith("yz") || piece.contains("xyz")) {
                assertEquals(Float.NEGATIVE_INFINITY, logits[id], "[" + piece + "] would finish the stop");
            }
        }
        assertEquals(0f, logits[singleCharToken(vocab, 'y')], "y alone does not finish it yet");
        constraint.accept(singleCharToken(vocab, 'y'));
        logits = new float[vocab.size()];
        constraint.mask(logits, 300);
        assertEquals(Float.NEGATIVE_INFINITY, logits[singleCharToken(vocab, 'z')], "after xy, z would");
        assertEquals(0f, logits[singleCharToken(vocab, 'a')]);
    }

    private static int singleCharToken(Vocabulary vocab, char c) {
        for (int id = 0; id < vocab.size(); id++) {
            if (vocab.decode(new int[] {id}).equals(String.valueOf(c))) {
                return id;
            }
        }
        throw new AssertionError("no token for " + c);
    }
}
