package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Llama 3.1+'s per-frequency rope factors ({@code rope_freqs.weight}) are applied; other scalings are refused. */
class RopeFactorsTest {

    private static final Path F32 = GreedyGenerationTest.MODELS.resolve("stories260K-f32.gguf");

    @TempDir
    Path tmp;

    /** A copy of the stories model with extra metadata and, when given, a rope_freqs tensor. */
    private Path copy(String name, float[] factors, String scaling) throws Exception {
        GgufWriter w = new GgufWriter();
        try (GgufFile f = GgufFile.open(F32)) {
            f.metadata().forEach((k, v) -> {
                if (!(v instanceof Object[]) || v instanceof String[]) {
                    w.put(k, v);
                }
            });
            for (GgufTensorInfo t : f.tensors().values()) {
                ByteBuffer b = f.map(t.name());
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                w.tensor(t.name(), t.dims(), t.type(), bytes);
            }
        }
        if (factors != null) {
            w.tensor("rope_freqs.weight", new long[] {factors.length}, factors);
        }
        if (scaling != null) {
            w.put("llama.rope.scaling.type", scaling);
        }
        Path out = tmp.resolve(name + ".gguf");
        w.write(out);
        return out;
    }

    private static float[] logitsAfter(Path model, int[] prompt) {
        try (LlamaModel m = LlamaModel.load(model)) {
            return m.newSession().prefill(prompt).clone();
        }
    }

    @Test
    void factorsOfOneChangeNothingAndOtherFactorsChangeTheOutput() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(F32), "skipped: " + F32.toAbsolutePath().normalize() + " is absent");
        int[] prompt = {1, 403, 407, 261, 378};
        float[] plain = logitsAfter(F32, prompt);
        float[] ones = new float[4];
        Arrays.fill(ones, 1f);
        assertArrayEquals(plain, logitsAfter(copy("ones", ones, null), prompt));
        float[] slower = {1f, 1f, 4f, 8f};
        assertFalse(
                Arrays.equals(plain, logitsAfter(copy("slower", slower, null), prompt)),
                "factors change the rotary frequencies");
        Path yarn = copy("yarn", null, "yarn");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> LlamaModel.load(yarn));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("yarn"), e.getMessage());
    }
}
