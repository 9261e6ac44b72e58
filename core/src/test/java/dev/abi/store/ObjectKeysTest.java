package dev.abi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    @Test
    void keysAsUsersNameFilesAreValid() {
        for (String key : new String[] {"docs/C++ notes+été.txt", "handbook/On call rota.md", "a/b=c#d/ü 名前.md"}) {
            assertEquals(key, ObjectKeys.requireValid(key));
        }
    }

    @Test
    void pathTricksAndControlCharactersAreNot() {
        for (String key : new String[] {"../x", "a/../b", "a//b", "./a", "a/", "a\\b", "a\u0000b", "a\nb", ""}) {
            assertThrows(IllegalArgumentException.class, () -> ObjectKeys.requireValid(key), key);
        }
        String longKey = "é".repeat(513);
        assertEquals(1026, longKey.getBytes(StandardCharsets.UTF_8).length);
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.requireValid(longKey));
    }
}
