package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.abi.gpu.kernels.HostReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's LayerNorm and RMSNorm references against the CPU forward passes' own (private) norms, reached
 * by reflection on real models from {@code ../shared/models}.
 */
class GpuNormReferencesTest {

    private static final Path MODELS = Path.of("..", "..", "shared", "models");

    @Test
    void layerNormMatchesBertModels() throws Exception {
        Path file = MODELS.resolve("all-MiniLM-L6-v2").resolve("all-MiniLM-L6-v2-Q8_0.gguf");
        Assumptions.assumeTrue(Files.exists(file), "the shared MiniLM model is absent: " + file.toAbsolutePath());
        try (BertModel model = BertModel.load(file)) {
            int dim = model.config().dim();
            float eps = model.config().eps();
            // BertModel normalizes through InferenceKernels.addLayerNorm (residual add, then LayerNorm): with a zero
            // bias and residual it is the LayerNorm alone, on the kernels the model runs on and on the scalar ones.
            InferenceKernels active = InferenceKernelsProvider.get();
            for (InferenceKernels ops : new InferenceKernels[] {active, InferenceKernelsProvider.scalar()}) {
                Random rnd = new Random(1);
                float[] in = gaussian(rnd, dim, 3);
                float[] w = gaussian(rnd, dim, 1);
                float[] b = gaussian(rnd, dim, 1);
                float[] cpu = in.clone();
                ops.addLayerNorm(cpu, new float[dim], new float[dim], 0, w, b, eps);
                float[] ref = in.clone();
                HostReference.layerNorm(ref, 1, dim, w, b, eps);
                for (int i = 0; i < dim; i++) {
                    assertEquals(cpu[i], ref[i], 1e-5f * Math.max(1f, Math.abs(cpu[i])), ops.name() + ", element " + i);
                }
            }
        }
    }

    @Test
    void rmsNormMatchesLlamaSessions() throws Exception {
        Path file = MODELS.resolve("stories260K").resolve("stories260K-f32.gguf");
        Assumptions.assumeTrue(Files.exists(file), "the shared stories260K model is absent: " + file.toAbsolutePath());
        try (LlamaModel model = LlamaModel.load(file)) {
            check(model.newSession());
        }
    }

    private static void check(LlamaSession session) throws Exception {
        Method norm = LlamaSession.class.getDeclaredMethod("rmsNorm", float[].class, float[].class, float[].class);
        norm.setAccessible(true);
        Field config = LlamaSession.class.getDeclaredField("c");
        config.setAccessible(true);
        float eps = ((LlamaConfig) config.get(session)).rmsEps();
        Random rnd = new Random(2);
        int dim = 64;
        float[] in = gaussian(rnd, dim, 2);
        float[] w = gaussian(rnd, dim, 1);
        float[] cpu = new float[dim];
        norm.invoke(session, cpu, in, w);
        float[] ref = in.clone();
        HostReference.rmsNorm(ref, 1, dim, w, eps);
        for (int i = 0; i < dim; i++) {
            assertEquals(cpu[i], ref[i], 1e-5f * Math.max(1f, Math.abs(cpu[i])), "element " + i);
        }
    }

    private static float[] gaussian(Random rnd, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return v;
    }
}
