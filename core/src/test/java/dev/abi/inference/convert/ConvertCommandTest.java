package dev.abi.inference.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.inference.GgmlType;
import dev.abi.inference.ModelFormatException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code convert} command straight from a langchain4j jar, and its usage errors. */
class ConvertCommandTest {

    @TempDir
    Path tmp;

    @Test
    void convertsStraightFromTheJarAsFromItsExtractedFiles() throws Exception {
        URL url = ConvertCommandTest.class.getResource("/all-minilm-l6-v2.onnx");
        Path jar = Path.of(
                ((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
        Path out = tmp.resolve("minilm.gguf");
        ConvertCommand.run(new String[] {
            "bert", "--jar", jar.toString(), "--out", out.toString(), "--type", "q8_0", "--name", "all-MiniLM-L6-v2"
        });
        assertArrayEquals(Files.readAllBytes(EmbeddingFixtures.converted(GgmlType.Q8_0)), Files.readAllBytes(out));
    }

    @Test
    void usageErrorsSayWhatIsWrong() throws Exception {
        var e = assertThrows(ConvertCommand.UsageException.class, () -> ConvertCommand.run(new String[] {"bert"}));
        assertTrue(e.getMessage().contains("--out"), e.getMessage());
        assertThrows(
                ConvertCommand.UsageException.class, () -> ConvertCommand.run(new String[] {"what", "--out", "x"}));
        assertThrows(
                ConvertCommand.UsageException.class,
                () -> ConvertCommand.run(new String[] {
                    "bert", "--out", tmp.resolve("x").toString(), "--onnx", "a", "--tokenizer", "b", "--type", "q4"
                }));
        var typo = assertThrows(
                ConvertCommand.UsageException.class,
                () -> ConvertCommand.run(new String[] {
                    "bert", "--out", tmp.resolve("x").toString(), "--onnx", "a", "--tokenizer", "b", "--typ", "f16"
                }));
        assertTrue(typo.getMessage().contains("'--typ'"), typo.getMessage());
        var pooling = assertThrows(
                ConvertCommand.UsageException.class,
                () -> ConvertCommand.run(new String[] {
                    "bert", "--out", tmp.resolve("x").toString(), "--onnx", "a", "--tokenizer", "b", "--pooling", "max"
                }));
        assertTrue(pooling.getMessage().contains("--pooling"), pooling.getMessage());
        Path notAJar = Files.writeString(tmp.resolve("not-a-jar.zip"), "plain text, not a zip");
        assertThrows(
                Exception.class,
                () -> ConvertCommand.run(new String[] {
                    "bert",
                    "--jar",
                    notAJar.toString(),
                    "--out",
                    tmp.resolve("y.gguf").toString()
                }));
        ModelFormatException bad = assertThrows(
                ModelFormatException.class,
                () -> ConvertCommand.run(new String[] {
                    "bert",
                    "--onnx",
                    EmbeddingFixtures.tokenizerJson().toString(),
                    "--tokenizer",
                    EmbeddingFixtures.tokenizerJson().toString(),
                    "--out",
                    tmp.resolve("z.gguf").toString()
                }));
        assertTrue(bad.getMessage().contains("tokenizer.json"), bad.getMessage());
    }
}
