package dev.abi.inference.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufWriter;
import dev.abi.inference.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts a BERT sentence-embedding model exported to ONNX (Hugging Face / PyTorch naming, as in the langchain4j
 * embedding jars) plus its {@code tokenizer.json} to a GGUF file with llama.cpp's {@code bert} metadata and tensor
 * names, as F32, F16 or Q8_0. The number of heads and the LayerNorm epsilon are read from the graph's constants; the
 * linear layers' weights, which the exporter stores transposed under generated names, are found through the MatMul
 * nodes that use them. Q8_0 blocks are quantized as llama.cpp's reference quantizer does, so the output matches
 * llama-quantize's byte for byte.
 */
public final class BertOnnxConverter {

    /** llama.cpp's {@code LLAMA_POOLING_TYPE}: how token vectors become one sentence vector. */
    public enum Pooling {
        MEAN(1),
        CLS(2),
        LAST(3);

        final int id;

        Pooling(int id) {
            this.id = id;
        }
    }

    /** Output weight types. */
    public static final Set<GgmlType> TYPES = Set.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0);

    private BertOnnxConverter() {}

    /**
     * Converts {@code onnx} and {@code tokenizerJson} into {@code out}.
     *
     * @throws ModelFormatException when the inputs are not a BERT model this converter understands
     */
    public static void convert(Path onnx, Path tokenizerJson, Path out, GgmlType type, Pooling pooling, String name)
            throws IOException {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("type " + type + ": the converter writes F32, F16 or Q8_0");
        }
        OnnxModel m = OnnxModel.read(onnx);
        JsonNode tok = new ObjectMapper().readTree(tokenizerJson.toFile());
        GgufWriter w = new GgufWriter();

        float[] wordEmb = init(m, "embeddings.word_embeddings.weight");
        long[] wordDims =
                m.initializers().get("embeddings.word_embeddings.weight").dims();
        int vocab = (int) wordDims[0];
        int dim = (int) wordDims[1];
        long[] posDims =
                m.initializers().get("embeddings.position_embeddings.weight").dims();
        int layers = 0;
        while (m.initializers().containsKey("encoder.layer." + layers + ".attention.self.query.bias")) {
            layers++;
        }
        if (layers == 0) {
            throw new ModelFormatException(onnx + ": no encoder.layer.N weights: not a BERT export");
        }
        int ffn = (int)
                m.initializers().get("encoder.layer.0.intermediate.dense.bias").dims()[0];
        int headDim = (int) Math.round(Math.pow(scalar(m, "/encoder/layer.0/attention/self/Div", onnx), 2));
        if (headDim <= 0 || dim % headDim != 0) {
            throw new ModelFormatException(onnx + ": attention scale gives head size " + headDim + " for width " + dim);
        }
        float eps = scalar(m, "/embeddings/LayerNorm/Add", onnx);

        w.put("general.architecture", "bert")
                .put("general.name", name)
                .put("bert.context_length", (int) posDims[0])
                .put("bert.embedding_length", dim)
                .put("bert.feed_forward_length", ffn)
                .put("bert.block_count", layers)
                .put("bert.attention.head_count", dim / headDim)
                .put("bert.attention.layer_norm_epsilon", eps)
                .put("bert.attention.causal", false)
                .put("bert.pooling_type", pooling.id)
                .put("general.file_type", type == GgmlType.F32 ? 0 : type == GgmlType.F16 ? 1 : 7);
        if (type == GgmlType.Q8_0) {
            w.put("general.quantization_version", 2);
        }
        vocabulary(w, tok, vocab, onnx);

        matrix(w, "token_embd.weight", wordEmb, dim, vocab, type);
        matrix(
                w,
                "position_embd.weight",
                init(m, "embeddings.position_embeddings.weight"),
                dim,
                (int) posDims[0],
                GgmlType.F32);
        long[] typeDims =
                m.initializers().get("embeddings.token_type_embeddings.weight").dims();
        w.put("tokenizer.ggml.token_type_count", (int) typeDims[0]);
        matrix(
                w,
                "token_types.weight",
                init(m, "embeddings.token_type_embeddings.weight"),
                dim,
                (int) typeDims[0],
                GgmlType.F32);
        vector(w, "token_embd_norm.weight", m, "embeddings.LayerNorm.weight");
        vector(w, "token_embd_norm.bias", m, "embeddings.LayerNorm.bias");
        Map<String, String> linear = Map.of(
                "attn_q",
                "attention/self/query",
                "attn_k",
                "attention/self/key",
                "attn_v",
                "attention/self/value",
                "attn_output",
                "attention/output/dense",
                "ffn_up",
                "intermediate/dense",
                "ffn_down",
                "output/dense");
        for (int l = 0; l < layers; l++) {
            String blk = "blk." + l + ".";
            for (var e : new TreeMap<>(linear).entrySet()) {
                String path = "/encoder/layer." + l + "/" + e.getValue() + "/MatMul";
                OnnxModel.Node node = m.node(path);
                if (node == null
                        || node.inputs().size() != 2
                        || !m.initializers().containsKey(node.inputs().get(1))) {
                    throw new ModelFormatException(onnx + ": no MatMul node '" + path + "' with a weight input");
                }
                OnnxModel.Tensor t = m.initializers().get(node.inputs().get(1));
                int in = (int) t.dims()[0];
                int outDim = (int) t.dims()[1];
                matrix(w, blk + e.getKey() + ".weight", transpose(t.floats(), in, outDim), in, outDim, type);
                vector(
                        w,
                        blk + e.getKey() + ".bias",
                        m,
                        "encoder.layer." + l + "." + e.getValue().replace('/', '.') + ".bias");
            }
            vector(w, blk + "attn_output_norm.weight", m, "encoder.layer." + l + ".attention.output.LayerNorm.weight");
            vector(w, blk + "attn_output_norm.bias", m, "encoder.layer." + l + ".attention.output.LayerNorm.bias");
            vector(w, blk + "layer_output_norm.weight", m, "encoder.layer." + l + ".output.LayerNorm.weight");
            vector(w, blk + "layer_output_norm.bias", m, "encoder.layer." + l + ".output.LayerNorm.bias");
        }
        w.write(out);
    }

    /** The vocabulary as llama.cpp's converter writes it for WordPiece: {@code ##} pieces bare, words with U+2581. */
    private static void vocabulary(GgufWriter w, JsonNode tok, int vocab, Path onnx) {
        JsonNode model = tok.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new ModelFormatException(onnx + ": tokenizer.json model type is '"
                    + model.path("type").asText() + "', expected WordPiece");
        }
        String prefix = model.path("continuing_subword_prefix").asText("##");
        String[] tokens = new String[vocab];
        model.path("vocab").properties().forEach(e -> {
            int id = e.getValue().asInt(-1);
            if (id >= 0 && id < vocab) {
                tokens[id] = e.getKey();
            }
        });
        int[] types = new int[vocab];
        Arrays.fill(types, 1);
        Map<String, Integer> special = new HashMap<>();
        for (JsonNode a : tok.path("added_tokens")) {
            int id = a.path("id").asInt(-1);
            if (id >= 0 && id < vocab) {
                tokens[id] = a.path("content").asText();
                if (a.path("special").asBoolean(false)) {
                    types[id] = 3;
                    special.put(tokens[id], id);
                }
            }
        }
        for (int i = 0; i < vocab; i++) {
            if (tokens[i] == null) {
                throw new ModelFormatException(onnx + ": tokenizer.json has no token for id " + i + " of " + vocab);
            }
            String t = tokens[i];
            if (t.startsWith("[") && t.endsWith("]")) {
                continue;
            }
            tokens[i] = t.startsWith(prefix) ? t.substring(prefix.length()) : "\u2581" + t;
        }
        w.put("tokenizer.ggml.model", "bert")
                .put("tokenizer.ggml.pre", "default")
                .put("tokenizer.ggml.tokens", tokens)
                .put("tokenizer.ggml.token_type", types);
        String unk = model.path("unk_token").asText("[UNK]");
        put(w, "tokenizer.ggml.unknown_token_id", special, unk, onnx);
        put(w, "tokenizer.ggml.seperator_token_id", special, "[SEP]", onnx);
        put(w, "tokenizer.ggml.padding_token_id", special, "[PAD]", onnx);
        put(w, "tokenizer.ggml.bos_token_id", special, "[CLS]", onnx);
        put(w, "tokenizer.ggml.mask_token_id", special, "[MASK]", onnx);
    }

    private static void put(GgufWriter w, String key, Map<String, Integer> special, String token, Path onnx) {
        Integer id = special.get(token);
        if (id == null) {
            throw new ModelFormatException(onnx + ": tokenizer.json has no special token " + token);
        }
        w.put(key, id);
    }

    private static float scalar(OnnxModel m, String nodeName, Path onnx) {
        OnnxModel.Node n = m.node(nodeName);
        if (n != null) {
            for (String in : n.inputs()) {
                OnnxModel.Tensor t = m.constant(in);
                if (t != null && t.elements() == 1 && t.dataType() == OnnxModel.FLOAT) {
                    return t.floats()[0];
                }
            }
        }
        throw new ModelFormatException(onnx + ": no constant input on node '" + nodeName + "'");
    }

    private static float[] init(OnnxModel m, String name) {
        OnnxModel.Tensor t = m.initializers().get(name);
        if (t == null) {
            throw new ModelFormatException("ONNX model has no initializer '" + name + "'");
        }
        return t.floats();
    }

    private static void vector(GgufWriter w, String name, OnnxModel m, String init) {
        float[] v = init(m, init);
        w.tensor(name, new long[] {v.length}, v);
    }

    /** [in][out] as stored by the exporter to [out][in], the row layout of GGUF weights. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** A matrix of {@code rows} rows of {@code cols} values, stored as {@code type}. */
    private static void matrix(GgufWriter w, String name, float[] v, int cols, int rows, GgmlType type) {
        long[] dims = {cols, rows};
        if (type == GgmlType.F32 || cols % 32 != 0 && type == GgmlType.Q8_0) {
            w.tensor(name, dims, v);
            return;
        }
        ByteBuffer b = ByteBuffer.allocate((int) type.bytesFor(v.length)).order(ByteOrder.LITTLE_ENDIAN);
        if (type == GgmlType.F16) {
            for (float f : v) {
                b.putShort(Float.floatToFloat16(f));
            }
        } else {
            quantizeQ8_0(v, b);
        }
        w.tensor(name, dims, type, b.array());
    }

    /** ggml's quantize_row_q8_0_ref: scale amax/127 in half precision, quants rounded half away from zero. */
    static void quantizeQ8_0(float[] x, ByteBuffer out) {
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            out.putShort(Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) {
                float v = x[b * 32 + j] * id;
                out.put((byte) (v >= 0 ? Math.round(v) : -Math.round(-v))); // C's roundf: halves away from zero
            }
        }
    }

    /** The pooling a model name implies when none is given: CLS for the bge family, mean otherwise. */
    public static Pooling defaultPooling(String name) {
        return name.toLowerCase(Locale.ROOT).contains("bge") ? Pooling.CLS : Pooling.MEAN;
    }
}
