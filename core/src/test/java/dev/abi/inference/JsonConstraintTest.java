package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSON mode's mask allows exactly the tokens whose text, tried alone on a copy of the recognizer, keeps the output a
 * prefix of an object that the tokens left can close (the shortcut for plain text inside strings included), on a
 * generous budget and on one that binds at every step.
 */
class JsonConstraintTest {

    private static final String TEXT = "{\"a\":\"hi there\",\"b\":[1,true],\"c\":{\"d\":\"x\\\"y\"}}";

    @ParameterizedTest
    @ValueSource(ints = {0, 20})
    void theMaskEqualsTryingEveryTokenAlone(int slack) {
        Path path = SharedFixtures.path("models", "stories260K", "stories260K-Q8_0.gguf");
        Assumptions.assumeTrue(
                Files.exists(path), "skipped: " + path.toAbsolutePath().normalize() + " is absent");
        Vocabulary vocab = Vocabulary.from(GgufFile.open(path));
        JsonConstraint constraint = new JsonConstraint(vocab, List.of());
        JsonPrefix state = new JsonPrefix();
        int budget = TEXT.length() + slack;
        for (int i = 0; i <= TEXT.length(); i++) {
            float[] logits = new float[vocab.size()];
            assertTrue(constraint.mask(logits, budget - i), "something is allowed after " + TEXT.substring(0, i));
            for (int id = 0; id < vocab.size(); id++) {
                String piece = vocab.decode(new int[] {id});
                boolean expected;
                if (id == vocab.eos()) {
                    expected = state.complete();
                } else if (state.complete() || piece.isEmpty() || piece.isBlank() && !state.inString()) {
                    expected = false;
                } else {
                    JsonPrefix next = state.copy();
                    expected = next.acceptAll(piece) && budget - i - 1 >= next.minToClose();
                }
                assertEquals(
                        expected, logits[id] == 0f, "token " + id + " [" + piece + "] after " + TEXT.substring(0, i));
            }
            if (i < TEXT.length()) {
                String c = String.valueOf(TEXT.charAt(i));
                int token = -1;
                for (int id = 0; id < vocab.size() && token < 0; id++) {
                    token = vocab.decode(new int[] {id}).equals(c) ? id : -1;
                }
                constraint.accept(token);
                state.accept(TEXT.charAt(i));
            }
        }
    }
}
