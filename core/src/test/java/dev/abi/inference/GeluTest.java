package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The encoder's GELU over a row with its bias ({@code applyWithBias}) against the one-value form, bit for bit. */
class GeluTest {

    @Test
    void aRowWithItsBiasIsEachValuePlusBiasThroughTheTable() {
        Random rnd = new Random(5);
        int n = 1000;
        float[] x = new float[n];
        float[] bias = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian() * 4;
            bias[i] = (float) rnd.nextGaussian();
        }
        // the edges: identity from 10 up, zero from -10 down, and values either side
        float[] edges = {10f, -10f, 9.99f, -9.99f, 10.01f, -10.01f, 0f, -0f, 65504f, -65504f, 1e-7f, Float.NaN};
        for (int i = 0; i < edges.length; i++) {
            x[i] = edges[i];
            bias[i] = 0f;
        }
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = BertModel.Gelu.apply(x[i] + bias[i]);
        }
        float[] got = x.clone();
        BertModel.Gelu.applyWithBias(got, bias, new short[n]);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "element " + i + " x " + x[i]);
        }
    }
}
