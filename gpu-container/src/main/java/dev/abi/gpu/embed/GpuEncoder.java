package dev.abi.gpu.embed;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.kernels.Kernels;
import dev.abi.gpu.search.GpuKernels;
import dev.abi.inference.BertModel;
import dev.abi.inference.GgufFile;
import dev.abi.inference.WeightMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A BERT sentence encoder run on the GPU: the forward pass of {@link BertModel} (token, position and type
 * embeddings; post-LayerNorm blocks with GELU; mean pooling; unit length) with every matrix product, norm,
 * attention and activation in a kernel. Weights are dequantized to f32 on the host once and kept on the device.
 * The tokenizer and the embedding lookup stay on the host (they are table reads). GPU thread only.
 */
public final class GpuEncoder {

    private record Layer(
            CudaApi.Buffer wq,
            CudaApi.Buffer bq,
            CudaApi.Buffer wk,
            CudaApi.Buffer bk,
            CudaApi.Buffer wv,
            CudaApi.Buffer bv,
            CudaApi.Buffer wo,
            CudaApi.Buffer bo,
            CudaApi.Buffer attnNormW,
            CudaApi.Buffer attnNormB,
            CudaApi.Buffer up,
            CudaApi.Buffer bUp,
            CudaApi.Buffer down,
            CudaApi.Buffer bDown,
            CudaApi.Buffer outNormW,
            CudaApi.Buffer outNormB) {}

    private final BertModel model;
    private final GgufFile file;
    private final GpuKernels kernels;
    private final BertModel.Config config;
    private final WeightMatrix tokenEmbedding;
    private final float[] positions;
    private final float[] tokenType0;
    private final CudaApi.Buffer embNormW;
    private final CudaApi.Buffer embNormB;
    private final List<Layer> layers = new ArrayList<>();
    private final List<CudaApi.Buffer> owned = new ArrayList<>();

    /** Loads the GGUF model at {@code path} and copies its weights to the device. */
    public GpuEncoder(CudaApi api, GpuKernels kernels, Path path) {
        this.model = BertModel.load(path);
        this.file = GgufFile.open(path);
        this.kernels = kernels;
        this.config = model.config();
        if (config.pooling() != BertModel.Pooling.MEAN) {
            throw new dev.abi.inference.UnsupportedModelException(
                    path + ": the GPU encoder pools by mean only, the" + " model by " + config.pooling());
        }
        int dim = config.dim();
        this.tokenEmbedding = WeightMatrix.of(file.tensor("token_embd.weight"), file.map("token_embd.weight"));
        this.positions = floats("position_embd.weight");
        this.tokenType0 = Arrays.copyOf(floats("token_types.weight"), dim);
        this.embNormW = vector(api, "token_embd_norm.weight");
        this.embNormB = vector(api, "token_embd_norm.bias");
        for (int l = 0; l < config.layers(); l++) {
            String p = "blk." + l + ".";
            layers.add(new Layer(
                    matrix(api, p + "attn_q.weight"),
                    vector(api, p + "attn_q.bias"),
                    matrix(api, p + "attn_k.weight"),
                    vector(api, p + "attn_k.bias"),
                    matrix(api, p + "attn_v.weight"),
                    vector(api, p + "attn_v.bias"),
                    matrix(api, p + "attn_output.weight"),
                    vector(api, p + "attn_output.bias"),
                    vector(api, p + "attn_output_norm.weight"),
                    vector(api, p + "attn_output_norm.bias"),
                    matrix(api, p + "ffn_up.weight"),
                    vector(api, p + "ffn_up.bias"),
                    matrix(api, p + "ffn_down.weight"),
                    vector(api, p + "ffn_down.bias"),
                    vector(api, p + "layer_output_norm.weight"),
                    vector(api, p + "layer_output_norm.bias")));
        }
    }

    public String name() {
        return model.name();
    }

    public int dimension() {
        return config.dim();
    }

    /** The CPU model with the same weights (the tokenizer; the reference of the GPU check). */
    public BertModel cpuModel() {
        return model;
    }

    /** Unit-length embeddings of {@code texts}, one batch. */
    public float[][] embed(CudaApi api, List<String> texts) {
        return embedTokens(api, texts.stream().map(model::tokenize).toList());
    }

    /** As {@link #embed}, for sequences already tokenized ({@code [CLS] ... [SEP]}). */
    public float[][] embedTokens(CudaApi api, List<int[]> sequences) {
        int dim = config.dim();
        int ffn = config.ffnDim();
        int seqs = sequences.size();
        int total = 0;
        int maxLen = 0;
        for (int[] s : sequences) {
            if (s.length == 0 || s.length > config.contextLength()) {
                throw new IllegalArgumentException(
                        "a sequence of " + s.length + " tokens (1 to " + config.contextLength() + " allowed)");
            }
            total += s.length;
            maxLen = Math.max(maxLen, s.length);
        }
        float[] x0 = new float[total * dim];
        int[] start = new int[seqs + 1];
        int[] seqOf = new int[total];
        float[] row = new float[dim];
        int t = 0;
        for (int s = 0; s < seqs; s++) {
            start[s] = t;
            int[] ids = sequences.get(s);
            for (int p = 0; p < ids.length; p++, t++) {
                if (ids[p] < 0 || ids[p] >= tokenEmbedding.rows()) {
                    throw new IllegalArgumentException("token id " + ids[p] + " is outside the vocabulary");
                }
                tokenEmbedding.row(ids[p], row);
                for (int i = 0; i < dim; i++) {
                    x0[t * dim + i] = row[i] + tokenType0[i] + positions[p * dim + i];
                }
                seqOf[t] = s;
            }
        }
        start[seqs] = total;
        List<CudaApi.Buffer> scratch = new ArrayList<>();
        try {
            CudaApi.Buffer x = alloc(api, scratch, 4L * total * dim);
            CudaApi.Buffer q = alloc(api, scratch, 4L * total * dim);
            CudaApi.Buffer k = alloc(api, scratch, 4L * total * dim);
            CudaApi.Buffer v = alloc(api, scratch, 4L * total * dim);
            CudaApi.Buffer att = alloc(api, scratch, 4L * total * dim);
            CudaApi.Buffer h = alloc(api, scratch, 4L * total * dim);
            CudaApi.Buffer ff = alloc(api, scratch, 4L * total * ffn);
            CudaApi.Buffer startBuf = alloc(api, scratch, 4L * (seqs + 1));
            CudaApi.Buffer seqOfBuf = alloc(api, scratch, 4L * total);
            CudaApi.Buffer pooled = alloc(api, scratch, 4L * seqs * dim);
            api.copyIn(x, 0, x0, 0, x0.length);
            api.copyIn(startBuf, 0, start, 0, start.length);
            api.copyIn(seqOfBuf, 0, seqOf, 0, seqOf.length);
            float eps = config.eps();
            api.launch(kernels.get(Kernels.LAYERNORM_F32), total, 1, 128, 0, x, null, embNormW, embNormB, x, dim, eps);
            float scale = (float) (1.0 / Math.sqrt(config.headDim()));
            for (Layer layer : layers) {
                gemm(api, x, layer.wq(), layer.bq(), q, total, dim, dim);
                gemm(api, x, layer.wk(), layer.bk(), k, total, dim, dim);
                gemm(api, x, layer.wv(), layer.bv(), v, total, dim, dim);
                api.launch(
                        kernels.get(Kernels.ATTENTION_F32),
                        total,
                        config.heads(),
                        128,
                        4 * maxLen,
                        q,
                        k,
                        v,
                        att,
                        startBuf,
                        seqOfBuf,
                        config.heads(),
                        config.headDim(),
                        scale);
                gemm(api, att, layer.wo(), layer.bo(), h, total, dim, dim);
                // h = LayerNorm(h + x)
                api.launch(
                        kernels.get(Kernels.LAYERNORM_F32),
                        total,
                        1,
                        128,
                        0,
                        h,
                        x,
                        layer.attnNormW(),
                        layer.attnNormB(),
                        h,
                        dim,
                        eps);
                gemm(api, h, layer.up(), layer.bUp(), ff, total, ffn, dim);
                int n = total * ffn;
                api.launch(kernels.get(Kernels.GELU_F32), (n + 255) / 256, 1, 256, 0, ff, n);
                gemm(api, ff, layer.down(), layer.bDown(), x, total, dim, ffn);
                // x = LayerNorm(x + h)
                api.launch(
                        kernels.get(Kernels.LAYERNORM_F32),
                        total,
                        1,
                        128,
                        0,
                        x,
                        h,
                        layer.outNormW(),
                        layer.outNormB(),
                        x,
                        dim,
                        eps);
            }
            api.launch(kernels.get(Kernels.MEAN_POOL_F32), seqs, 1, 128, 0, x, startBuf, pooled, dim);
            float[] out = new float[seqs * dim];
            api.copyOut(pooled, 0, out, 0, out.length);
            float[][] result = new float[seqs][];
            for (int s = 0; s < seqs; s++) {
                result[s] = Arrays.copyOfRange(out, s * dim, (s + 1) * dim);
            }
            return result;
        } finally {
            for (CudaApi.Buffer b : scratch) {
                api.free(b);
            }
        }
    }

    private void gemm(
            CudaApi api,
            CudaApi.Buffer a,
            CudaApi.Buffer w,
            CudaApi.Buffer bias,
            CudaApi.Buffer c,
            int m,
            int n,
            int k) {
        int tile = Kernels.GEMM_TILE;
        api.launch(
                kernels.get(Kernels.GEMM_F32),
                (n + tile - 1) / tile,
                (m + tile - 1) / tile,
                256,
                0,
                a,
                w,
                bias,
                c,
                m,
                n,
                k);
    }

    private static CudaApi.Buffer alloc(CudaApi api, List<CudaApi.Buffer> list, long bytes) {
        CudaApi.Buffer b = api.alloc(Math.max(bytes, 4));
        list.add(b);
        return b;
    }

    private float[] floats(String name) {
        float[] out = new float[(int) file.tensor(name).elements()];
        file.map(name).asFloatBuffer().get(out);
        return out;
    }

    private CudaApi.Buffer vector(CudaApi api, String name) {
        float[] v = floats(name);
        CudaApi.Buffer b = api.alloc(4L * v.length);
        api.copyIn(b, 0, v, 0, v.length);
        owned.add(b);
        return b;
    }

    /** A weight matrix dequantized row by row into {@code rows x cols} f32, as the GEMM kernel reads it. */
    private CudaApi.Buffer matrix(CudaApi api, String name) {
        WeightMatrix w = WeightMatrix.of(file.tensor(name), file.map(name));
        int rows = w.rows();
        int cols = w.cols();
        float[] all = new float[rows * cols];
        float[] r = new float[cols];
        for (int i = 0; i < rows; i++) {
            w.row(i, r);
            System.arraycopy(r, 0, all, i * cols, cols);
        }
        CudaApi.Buffer b = api.alloc(4L * all.length);
        api.copyIn(b, 0, all, 0, all.length);
        owned.add(b);
        return b;
    }

    /** Frees the device weights and closes the model files. */
    public void free(CudaApi api) {
        for (CudaApi.Buffer b : owned) {
            api.free(b);
        }
        owned.clear();
        file.close();
        model.close();
    }
}
