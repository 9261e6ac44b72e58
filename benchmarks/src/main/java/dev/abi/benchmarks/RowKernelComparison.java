package dev.abi.benchmarks;

import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufTensorInfo;
import dev.abi.inference.InferenceKernelsProvider;
import dev.abi.inference.RowExecutor;
import dev.abi.inference.WeightMatrix;
import dev.abi.inference.WeightMatrix.RowKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The generation row kernels ({@link RowKernels}) side by side in one JVM, on one thread: a set of random Q4_0 or
 * Q8_0 matrices of a Llama-3.2-1B FFN shape (8192 rows of 2048), larger together than the caches as a model's
 * weights are, multiplied by one input per round with each kernel in turn, the order rotating every round so that the
 * shared machine's load hits all alike. Timed by the thread's CPU time; prints each kernel's median time per set and
 * the median (quartiles) of its per-round ratio to {@link RowKernels#PLAIN} (below 1: faster), and checks that every
 * kernel gives the same bits. Usage: {@code RowKernelComparison [types] [rounds] [matrices] [rows] [cols]}.
 */
public final class RowKernelComparison {

    private static int cols = 2048;
    /** Rows per matrix (8192 by default; fewer keep a set in the caches, to see the kernels without memory). */
    private static int rows = 8192;

    private RowKernelComparison() {}

    public static void main(String[] args) {
        String[] types = (args.length > 0 ? args[0] : "Q4_0,Q8_0").split(",");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        rows = args.length > 3 ? Integer.parseInt(args[3]) : rows;
        cols = args.length > 4 ? Integer.parseInt(args[4]) : cols;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf(
                "kernels %s, %d matrices of %d x %d per set, %d rounds, one thread%n",
                InferenceKernelsProvider.get().name(), count, rows, cols, rounds);
        System.out.println("| type | kernels | median ms per set | ratio to PLAIN (median) | quartiles |");
        System.out.println("|---|---|---:|---:|---|");
        RowKernels before = WeightMatrix.rowKernels();
        try (RowExecutor one = RowExecutor.of(1)) {
            for (String t : types) {
                GgmlType type = GgmlType.valueOf(t.trim());
                compare(type, RowKernels.values(), rounds, count, one, mx);
            }
        } finally {
            WeightMatrix.useRowKernels(before);
        }
    }

    private static void compare(
            GgmlType type, RowKernels[] kernels, int rounds, int count, RowExecutor one, ThreadMXBean mx) {
        SplittableRandom rnd = new SplittableRandom(type.ordinal());
        List<WeightMatrix> set = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            ByteBuffer data = randomTensor(type, rnd);
            set.add(WeightMatrix.of(
                    new GgufTensorInfo("w" + m, new long[] {cols, rows}, type, 0, data.capacity()),
                    data,
                    InferenceKernelsProvider.get(),
                    one));
        }
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] out = new float[rows];
        float[][] first = new float[kernels.length][];
        for (int w = 0; w < 3; w++) { // warm-up: every kernel compiled before timing
            for (int k = 0; k < kernels.length; k++) {
                WeightMatrix.useRowKernels(kernels[k]);
                for (WeightMatrix m : set) {
                    m.matvec(x, out);
                }
                first[k] = out.clone();
            }
        }
        for (int k = 1; k < kernels.length; k++) {
            if (!Arrays.equals(first[0], first[k])) {
                throw new AssertionError(type + ": " + kernels[k] + " gave other bits than " + kernels[0]);
            }
        }
        double[][] ms = new double[kernels.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < kernels.length; j++) {
                int k = (r + j) % kernels.length;
                WeightMatrix.useRowKernels(kernels[k]);
                long t0 = mx.getCurrentThreadCpuTime();
                for (WeightMatrix m : set) {
                    m.matvec(x, out);
                }
                ms[k][r] = (mx.getCurrentThreadCpuTime() - t0) / 1e6;
            }
        }
        for (int k = 0; k < kernels.length; k++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = ms[k][r] / ms[0][r];
            }
            Arrays.sort(ratios);
            double[] own = ms[k].clone();
            Arrays.sort(own);
            System.out.printf(
                    "| %s | %s | %.2f | %.3f | %.3f-%.3f |%n",
                    type,
                    kernels[k],
                    own[rounds / 2],
                    ratios[rounds / 2],
                    ratios[rounds / 4],
                    ratios[(3 * rounds) / 4]);
        }
    }

    /** Random blocks: scales in a realistic range, random quants. */
    private static ByteBuffer randomTensor(GgmlType type, SplittableRandom rnd) {
        int blocks = rows * (cols / 32);
        ByteBuffer b = ByteBuffer.allocateDirect(blocks * type.typeSize()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] q = new byte[type.typeSize() - 2];
        for (int i = 0; i < blocks; i++) {
            b.putShort(Float.floatToFloat16(0.001f + (float) rnd.nextDouble() * 0.05f));
            rnd.nextBytes(q);
            b.put(q);
        }
        return b.flip();
    }
}
