package dev.abi.vector;

/**
 * Distance from one fixed query to any node of a graph, smaller is closer: one per search. The int8 and PQ scorers
 * here read codes from a byte array at {@code codeStart + node * codeLength}, so they serve the heap index (its code
 * arrays) and a segment searched in place (the segment's code column) alike.
 */
interface NodeScorer {

    float distance(int node);

    /** Distances to {@code count} nodes at once, into {@code out}. */
    default void distances(int[] nodes, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            out[i] = distance(nodes[i]);
        }
    }

    /** A node's norm (cosine only). */
    interface Norms {
        float of(int node);
    }

    /**
     * Scores int8 codes against the float query. With {@code x = offset + step * code}: l2 is the squared distance
     * of {@code q - offset} to {@code step * code}; the dot product is {@code q . offset + (q * step) . code}. Bulk
     * distances go four nodes per pass over the query.
     */
    static NodeScorer int8(
            VectorOps ops,
            Metric metric,
            ScalarQuantizer sq,
            float[] q,
            float qNorm,
            byte[] codes,
            int codeStart,
            Norms norms) {
        float[] offset = sq.offsetsShared();
        float[] step = sq.stepsShared();
        int dim = q.length;
        if (metric == Metric.L2) {
            float[] u = new float[dim];
            for (int d = 0; d < dim; d++) {
                u[d] = q[d] - offset[d];
            }
            return new Int8(ops, metric, u, step, 0f, qNorm, codes, codeStart, norms);
        }
        float[] v = new float[dim];
        float constant = 0;
        for (int d = 0; d < dim; d++) {
            v[d] = q[d] * step[d];
            constant += q[d] * offset[d];
        }
        return new Int8(ops, metric, v, null, constant, qNorm, codes, codeStart, norms);
    }

    /** Scores PQ codes through the query's table: one lookup per subspace. */
    static NodeScorer pq(
            Metric metric, ProductQuantizer pq, float[] q, float qNorm, byte[] codes, int codeStart, Norms norms) {
        float[] target = q;
        if (metric == Metric.COSINE) {
            target = new float[q.length];
            float scale = qNorm == 0f ? 0f : 1f / qNorm;
            for (int d = 0; d < q.length; d++) {
                target[d] = q[d] * scale;
            }
        }
        float[] table = pq.scratchTable(target, metric != Metric.L2);
        int m = pq.subspaces();
        return switch (metric) {
            case L2 -> node -> lookup(table, codes, codeStart + node * m, m);
            case DOT -> node -> -lookup(table, codes, codeStart + node * m, m);
            case COSINE ->
                node -> norms.of(node) == 0f || qNorm == 0f ? 1f : 1f - lookup(table, codes, codeStart + node * m, m);
        };
    }

    private static float lookup(float[] table, byte[] codes, int offset, int subspaces) {
        float s0 = 0;
        float s1 = 0;
        int i = 0;
        for (; i + 1 < subspaces; i += 2) {
            s0 += table[(i << 8) + (codes[offset + i] & 0xff)];
            s1 += table[((i + 1) << 8) + (codes[offset + i + 1] & 0xff)];
        }
        if (i < subspaces) {
            s0 += table[(i << 8) + (codes[offset + i] & 0xff)];
        }
        return s0 + s1;
    }

    /** l2 as the distance of {@code q - offset} to the scaled codes ({@code scale} set), else {@code base + v . code}. */
    final class Int8 implements NodeScorer {
        private final VectorOps ops;
        private final Metric metric;
        private final float[] v;
        private final float[] scale;
        private final float base;
        private final float qNorm;
        private final byte[] codes;
        private final int codeStart;
        private final Norms norms;
        private final int dim;

        Int8(
                VectorOps ops,
                Metric metric,
                float[] v,
                float[] scale,
                float base,
                float qNorm,
                byte[] codes,
                int codeStart,
                Norms norms) {
            this.ops = ops;
            this.metric = metric;
            this.v = v;
            this.scale = scale;
            this.base = base;
            this.qNorm = qNorm;
            this.codes = codes;
            this.codeStart = codeStart;
            this.norms = norms;
            this.dim = v.length;
        }

        @Override
        public float distance(int node) {
            int offset = codeStart + node * dim;
            return scale != null
                    ? ops.squaredDistanceInt8(v, scale, codes, offset, dim)
                    : finish(ops.dotInt8(v, codes, offset, dim), node);
        }

        @Override
        public void distances(int[] nodes, int count, float[] out) {
            int i = 0;
            for (; i + 3 < count; i += 4) {
                int o0 = codeStart + nodes[i] * dim;
                int o1 = codeStart + nodes[i + 1] * dim;
                int o2 = codeStart + nodes[i + 2] * dim;
                int o3 = codeStart + nodes[i + 3] * dim;
                if (scale != null) {
                    ops.squaredDistanceInt8x4(v, scale, codes, o0, o1, o2, o3, dim, out, i);
                } else {
                    ops.dotInt8x4(v, codes, o0, o1, o2, o3, dim, out, i);
                    for (int j = i; j < i + 4; j++) {
                        out[j] = finish(out[j], nodes[j]);
                    }
                }
            }
            for (; i < count; i++) {
                out[i] = distance(nodes[i]);
            }
        }

        private float finish(float dot, int node) {
            if (metric == Metric.DOT) {
                return -(base + dot);
            }
            float denominator = qNorm * norms.of(node);
            return denominator == 0f ? 1f : 1f - (base + dot) / denominator;
        }
    }
}
