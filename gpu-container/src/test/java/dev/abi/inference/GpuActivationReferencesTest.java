package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gpu.kernels.HostReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's softmax and SwiGLU references against the CPU forward passes' own code, which has them inline:
 * softmax through {@code BertModel}'s private attention (values chosen so that its output is the attention
 * weights), SwiGLU from {@code LlamaSession}'s buffers after a real step of the shared stories260K model. Each test
 * also shows that a wrong reference is caught by the same comparison.
 */
class GpuActivationReferencesTest {

    private static final Path MODELS = Path.of("..", "..", "shared", "models");

    /** Elements of {@code got} farther from {@code want} than {@code tolerance} x max(1, |want|). */
    private static int mismatches(float[] want, float[] got, float tolerance) {
        assertEquals(want.length, got.length);
        int bad = 0;
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= tolerance * Math.max(1f, Math.abs(want[i])))) {
                bad++;
            }
        }
        return bad;
    }

    @Test
    void softmaxMatchesBertModelsAttentionWeights() throws Exception {
        Path file = MODELS.resolve("all-MiniLM-L6-v2").resolve("all-MiniLM-L6-v2-Q8_0.gguf");
        Assumptions.assumeTrue(Files.exists(file), "the shared MiniLM model is absent: " + file.toAbsolutePath());
        try (BertModel model = BertModel.load(file)) {
            int dim = model.config().dim();
            int hd = model.config().headDim();
            int n = Math.min(20, hd); // tokens; each value row is a unit vector of head 0, so out = the weights
            Random rnd = new Random(3);
            float[][] q = new float[n][dim];
            float[][] k = new float[n][dim];
            float[][] v = new float[n][dim];
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < dim; i++) {
                    q[t][i] = (float) (rnd.nextGaussian() * 2);
                    k[t][i] = (float) (rnd.nextGaussian() * 2);
                }
                v[t][t] = 1;
            }
            float[][] out = new float[n][dim];
            Method attend = BertModel.class.getDeclaredMethod(
                    "attend", float[][].class, float[][].class, float[][].class, float[][].class, int.class, int.class);
            attend.setAccessible(true);
            attend.invoke(model, q, k, v, out, 0, n);
            float scale = (float) (1.0 / Math.sqrt(hd));
            float[] scores = new float[n * n];
            float[] weights = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int d = 0; d < hd; d++) {
                        s += (double) (q[i][d] * scale) * k[j][d];
                    }
                    scores[i * n + j] = (float) s;
                    weights[i * n + j] = out[i][j];
                }
            }
            float[] reference = scores.clone();
            HostReference.softmax(reference, n, n);
            assertEquals(0, mismatches(weights, reference, 1e-5f), "HostReference.softmax against BertModel");
            // planted: a softmax that forgets to divide by the row's sum is caught
            float[] planted = scores.clone();
            for (int i = 0; i < n; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    max = Math.max(max, planted[i * n + j]);
                }
                for (int j = 0; j < n; j++) {
                    planted[i * n + j] = (float) Math.exp(planted[i * n + j] - max);
                }
            }
            assertTrue(mismatches(weights, planted, 1e-5f) > 0, "an unnormalised softmax must not match");
        }
    }

    @Test
    void swigluMatchesLlamaSessionsFeedForward() throws Exception {
        Path file = MODELS.resolve("stories260K").resolve("stories260K-f32.gguf");
        Assumptions.assumeTrue(Files.exists(file), "the shared stories260K model is absent: " + file.toAbsolutePath());
        try (LlamaModel model = LlamaModel.load(file)) {
            LlamaSession session = model.newSession();
            session.forward(1);
            session.forward(42);
            // after a step: x = the output, proj = the last layer's down projection (x = before + proj),
            // hb = SwiGLU(gate, up) of the last layer, hb2 = its up projection
            float[] x = field(session, "x");
            float[] proj = field(session, "proj");
            float[] hb = field(session, "hb");
            float[] up = field(session, "hb2");
            LlamaModel.Layer last = model.layer(model.config().layers() - 1);
            float[] before = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                before[i] = x[i] - proj[i];
            }
            Method norm = LlamaSession.class.getDeclaredMethod("rmsNorm", float[].class, float[].class, float[].class);
            norm.setAccessible(true);
            float[] normed = new float[x.length];
            norm.invoke(session, normed, before, last.ffnNorm());
            float[] gate = new float[hb.length];
            float[] upAgain = new float[hb.length];
            last.gate().matvec(normed, gate);
            last.up().matvec(normed, upAgain);
            assertEquals(0, mismatches(up, upAgain, 1e-4f), "the feed-forward input is recovered");
            assertEquals(0, mismatches(hb, apply(HostReference::swiglu, gate, up), 1e-4f), "HostReference.swiglu");
            // planted: SwiGLU with gate and up swapped is caught
            assertTrue(
                    mismatches(hb, apply((g, u) -> HostReference.swiglu(u, g), gate, up), 1e-4f) > 0,
                    "a SwiGLU with its inputs swapped must not match");
        }
    }

    private static float[] apply(BinaryOperator<Float> f, float[] gate, float[] up) {
        float[] out = new float[gate.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.apply(gate[i], up[i]);
        }
        return out;
    }

    private static float[] field(LlamaSession session, String name) throws Exception {
        Field f = LlamaSession.class.getDeclaredField(name);
        f.setAccessible(true);
        return (float[]) f.get(session);
    }
}
