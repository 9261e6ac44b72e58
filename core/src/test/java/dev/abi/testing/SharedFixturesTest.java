package dev.abi.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class SharedFixturesTest {

    @Test
    void aMissingFixtureFailsWhenRequiredAndIsLeftToTheTestOtherwise() {
        assertFalse(Files.exists(SharedFixtures.path(false, "no-such-fixture")), "not required: a path to skip on");
        AssertionError e = assertThrows(AssertionError.class, () -> SharedFixtures.path(true, "no-such-fixture"));
        assertTrue(e.getMessage().contains("no-such-fixture"), e.getMessage());
    }
}
