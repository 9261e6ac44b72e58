package dev.abi.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.abi.cli.Cli;
import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufFile;
import dev.abi.testing.SharedFixtures;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code abi convert} and {@code abi gguf inspect} on the shared stories260K model. */
class ModelCommandsTest {

    private static final Path STORIES = SharedFixtures.path("models", "stories260K");

    /** Skips (or, under CI, has already failed in {@link SharedFixtures}) without the shared model. */
    private static void sharedModel() {
        assumeTrue(Files.isDirectory(STORIES), "no shared model at " + STORIES);
    }

    @TempDir
    Path dir;

    @Test
    void convertsALlama2cCheckpointAndInspectsTheResult() throws Exception {
        sharedModel();
        Path out = dir.resolve("stories.gguf");
        Cli.Result r = Cli.run(
                "convert",
                "llama2c",
                "--checkpoint",
                STORIES.resolve("stories260K.bin").toString(),
                "--tokenizer",
                STORIES.resolve("tok512.bin").toString(),
                "--out",
                out.toString());
        assertEquals(0, r.status(), r.toString());
        try (GgufFile g = GgufFile.open(out)) {
            assertTrue(g.tensors().size() > 0);
        }
        Cli.Result inspect = Cli.run("gguf", "inspect", out.toString());
        assertEquals(0, inspect.status(), inspect.toString());
        assertTrue(inspect.out().contains("general.architecture = \"llama\""), inspect.out());
        assertTrue(inspect.out().contains("token_embd.weight"), inspect.out());
        assertTrue(inspect.out().contains("tensor types: "), inspect.out());
    }

    @Test
    void convertsABertModelStraightFromItsJar() throws Exception {
        URL url = ModelCommandsTest.class.getResource("/all-minilm-l6-v2.onnx");
        Path jar = Path.of(
                ((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
        Path out = dir.resolve("minilm.gguf");
        Cli.Result r = Cli.run(
                "convert",
                "bert",
                "--jar",
                jar.toString(),
                "--out",
                out.toString(),
                "--type",
                "F16",
                "--name",
                "all-MiniLM-L6-v2");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("(f16, mean pooling)"), r.out());
        try (GgufFile g = GgufFile.open(out)) {
            assertEquals("all-MiniLM-L6-v2", g.string("general.name"));
            assertTrue(g.tensors().values().stream().anyMatch(t -> t.type() == GgmlType.F16), "--type f16 was applied");
        }
    }

    @Test
    void inspectShowsTypesShapesAndTheChatTemplateLine() {
        sharedModel();
        Cli.Result r = Cli.run(
                "gguf", "inspect", STORIES.resolve("stories260K-Q8_0.gguf").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().matches("(?s).*tensor types: .*Q8_0 x\\d+.*"), r.out());
        assertTrue(r.out().matches("(?s).*tokenizer\\.ggml\\.tokens = \\[512 x \\w+\\].*"), r.out());
        assertTrue(r.out().contains("chat template:"), r.out());
    }

    @Test
    void aFileThatIsNotGgufIsNamedWithoutAStackTrace() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.gguf"), "this is not a model");
        Cli.Result r = Cli.run("gguf", "inspect", bad.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().startsWith("abi: ") && r.err().contains("bad.gguf"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aMisspelledOrBadOptionIsRefusedByName() {
        Cli.Result typo = Cli.run(
                "convert", "bert", "--onnx", "m.onnx", "--tokenizer", "t.json", "--out", "o.gguf", "--typ", "f16");
        assertEquals(2, typo.status(), typo.toString());
        assertTrue(typo.err().contains("--typ"), typo.err());
        Cli.Result pooling = Cli.run(
                "convert", "bert", "--onnx", "m.onnx", "--tokenizer", "t.json", "--out", "o.gguf", "--pooling", "max");
        assertEquals(2, pooling.status(), pooling.toString());
        assertTrue(pooling.err().contains("--pooling") && pooling.err().contains("mean, cls, last"), pooling.err());
        Cli.Result missing = Cli.run(
                "convert",
                "bert",
                "--onnx",
                dir.resolve("none.onnx").toString(),
                "--tokenizer",
                "t.json",
                "--out",
                "o.gguf",
                "--type",
                "f16");
        assertEquals(2, missing.status(), missing.toString());
        assertTrue(missing.err().contains("--onnx: no such file"), missing.err());
    }
}
