package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON-object prefix recognizer behind JSON mode. */
class JsonPrefixTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"a\": 1}",
                "{\"a\":[1,-2.5e+3,true,false,null,\"x\\u00e9\\n\"],\"b\":{}}",
                "{\"k\" : { \"n\" : [ [], {} ] } }",
                "{\"z\":0}"
            })
    void wholeObjectsAreAcceptedAndComplete(String json) {
        JsonPrefix p = new JsonPrefix();
        assertTrue(p.acceptAll(json), json);
        assertTrue(p.complete(), json);
        assertEquals(0, p.minToClose());
        assertFalse(p.copy().accept(' '), "nothing after the object");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[",
                " {}",
                "1",
                "\"a\"",
                "{a",
                "{\"a\" 1",
                "{\"a\":01",
                "{\"a\":1,}",
                "{\"a\":-}",
                "{\"a\":tru}",
                "{\"a\":\"\\x\"}",
                "{\"a\":[1}",
                "{\"a\":1]",
                "{\"a\":\"\u0001\"}",
                "{\"a\":1.}",
                "{\"a\":1e}"
            })
    void nonObjectsAreRefusedAtTheFirstBadCharacter(String text) {
        assertFalse(new JsonPrefix().acceptAll(text), text);
    }

    @Test
    void minToCloseCountsWhatTheCurrentTokenNeedsPlusOneCloserPerLevel() {
        assertEquals(2, new JsonPrefix().minToClose(), "{}");
        assertEquals(1, at("{").minToClose(), "}");
        assertEquals(5, at("{\"a\":1,").minToClose(), "\"\":0}");
        assertEquals(4, at("{\"ab").minToClose(), "\":0}");
        assertEquals(3, at("{\"a\":[\"x").minToClose(), "\"]}");
        assertEquals(2, at("{\"a\":-").minToClose(), "0}");
        assertEquals(3, at("{\"a\":nu").minToClose(), "ll}");
        assertEquals(2, at("{\"a\":[1").minToClose(), "]}");
        assertEquals(5, at("{\"a\":\"\\u0").minToClose(), "000\"}");
    }

    @Test
    void aCopyIsIndependent() {
        JsonPrefix p = at("{\"a\":");
        JsonPrefix c = p.copy();
        assertTrue(c.acceptAll("[1]}"));
        assertTrue(c.complete());
        assertFalse(p.complete());
        assertTrue(p.acceptAll("2}"));
    }

    private static JsonPrefix at(String text) {
        JsonPrefix p = new JsonPrefix();
        assertTrue(p.acceptAll(text), text);
        return p;
    }
}
