package dev.abi.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way tests reach {@code ../shared} (the models, tokenizer vectors and references beside the project root).
 * On a user's fresh clone a test whose fixture is absent skips, saying so; under CI ({@code ABI_REQUIRE_SHARED} set,
 * as {@code .ci/run} does) a missing fixture fails the test loudly instead, so nothing is skipped unnoticed.
 */
public final class SharedFixtures {

    private static final Path ROOT = locate();

    private SharedFixtures() {}

    /**
     * The fixture at {@code parts} under {@code ../shared}.
     *
     * @throws AssertionError under CI, when it is absent
     */
    public static Path path(String... parts) {
        return path(required(), parts);
    }

    static Path path(boolean required, String... parts) {
        Path p = ROOT.resolve(String.join("/", parts)).normalize();
        if (required && !Files.exists(p)) {
            throw new AssertionError("shared fixture " + p + " is missing; CI (ABI_REQUIRE_SHARED) never skips it");
        }
        return p;
    }

    /** Whether a missing fixture fails rather than skips. */
    public static boolean required() {
        String v = System.getenv("ABI_REQUIRE_SHARED");
        return (v != null && !v.isBlank() && !v.equals("0")) || Boolean.getBoolean("abi.require-shared");
    }

    /** {@code ../shared} beside the project root (the folder holding {@code mvnw}), found from the working dir. */
    private static Path locate() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("mvnw"))) {
                return d.resolveSibling("shared");
            }
        }
        return dir.resolveSibling("shared");
    }
}
