package dev.abi.inference.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.inference.BertModel;
import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufFile;
import dev.abi.inference.GgufTensorInfo;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ONNX-to-GGUF converter against two oracles: llama.cpp (its Q8_0 conversion of the same ONNX file, and its
 * reference vectors for our F32 conversion) and ONNX Runtime running the ONNX file itself.
 */
class BertOnnxConverterTest {

    private static void needShared() {
        Assumptions.assumeTrue(
                Files.exists(EmbeddingFixtures.SHARED_Q8) && Files.exists(EmbeddingFixtures.REFERENCE),
                "skipped: " + EmbeddingFixtures.SHARED.toAbsolutePath().normalize()
                        + "/all-MiniLM-L6-v2-Q8_0.gguf or reference-embeddings.json is absent (../shared/models)");
    }

    @Test
    void q8ConversionIsByteForByteLlamaCppsFile() {
        needShared();
        try (GgufFile ours = GgufFile.open(EmbeddingFixtures.converted(GgmlType.Q8_0));
                GgufFile ref = GgufFile.open(EmbeddingFixtures.SHARED_Q8)) {
            assertEquals(ref.metadata().keySet(), ours.metadata().keySet());
            for (Map.Entry<String, Object> e : ref.metadata().entrySet()) {
                assertEquals(
                        Arrays.deepToString(new Object[] {e.getValue()}),
                        Arrays.deepToString(new Object[] {ours.metadata().get(e.getKey())}),
                        e.getKey());
            }
            assertEquals(ref.tensors().keySet(), ours.tensors().keySet());
            for (GgufTensorInfo t : ref.tensors().values()) {
                GgufTensorInfo o = ours.tensors().get(t.name());
                assertEquals(t.type(), o.type(), t.name());
                assertArrayEquals(t.dims(), o.dims(), t.name());
                assertEquals(ref.map(t.name()), ours.map(t.name()), "bytes of " + t.name());
            }
        }
    }

    @Test
    void f32ConversionGivesLlamaCppsF32Vectors() throws Exception {
        needShared();
        JsonNode ref = EmbeddingFixtures.reference();
        List<String> sentences = EmbeddingFixtures.sentences(ref);
        float[][] want = EmbeddingFixtures.vectors(ref, "all-MiniLM-L6-v2-f32.gguf");
        try (BertModel m = BertModel.load(EmbeddingFixtures.converted(GgmlType.F32))) {
            float[][] got = m.embed(sentences);
            for (int i = 0; i < sentences.size(); i++) {
                double cos = EmbeddingFixtures.cosine(want[i], got[i]);
                assertTrue(cos >= 0.9999, "sentence " + i + " '" + sentences.get(i) + "': cosine " + cos);
            }
        }
    }

    @Test
    void f16ConversionStaysCloseToLlamaCppsF32Vectors() throws Exception {
        needShared();
        JsonNode ref = EmbeddingFixtures.reference();
        List<String> sentences = EmbeddingFixtures.sentences(ref);
        float[][] want = EmbeddingFixtures.vectors(ref, "all-MiniLM-L6-v2-f32.gguf");
        try (GgufFile f = GgufFile.open(EmbeddingFixtures.converted(GgmlType.F16))) {
            assertEquals(GgmlType.F16, f.tensor("blk.0.ffn_up.weight").type());
            assertEquals(GgmlType.F32, f.tensor("position_embd.weight").type());
        }
        try (BertModel m = BertModel.load(EmbeddingFixtures.converted(GgmlType.F16))) {
            float[][] got = m.embed(sentences);
            for (int i = 0; i < sentences.size(); i++) {
                double cos = EmbeddingFixtures.cosine(want[i], got[i]);
                assertTrue(cos >= 0.9999, "sentence " + i + ": cosine " + cos);
            }
        }
    }

    @Test
    void onnxRuntimeOnTheSameFileAgreesWithOurF32Conversion() throws Exception {
        needShared();
        List<String> sentences = EmbeddingFixtures.sentences(EmbeddingFixtures.reference());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (BertModel m = BertModel.load(EmbeddingFixtures.converted(GgmlType.F32));
                OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(EmbeddingFixtures.onnx().toString(), opts)) {
                float[][] ours = m.embed(sentences);
                for (int s = 0; s < sentences.size(); s++) {
                    int[] ids = m.tokenize(sentences.get(s));
                    float[] theirs = runOnnx(env, session, ids);
                    double cos = EmbeddingFixtures.cosine(ours[s], theirs);
                    assertTrue(cos >= 0.9999, "sentence " + s + ": cosine with ONNX Runtime " + cos);
                }
            }
        }
    }

    /** ONNX Runtime's last hidden state, mean-pooled and normalized as sentence-transformers does. */
    static float[] runOnnx(OrtEnvironment env, OrtSession session, int[] ids) throws Exception {
        long[][] input = {Arrays.stream(ids).asLongStream().toArray()};
        long[][] mask = new long[1][ids.length];
        Arrays.fill(mask[0], 1);
        long[][] types = new long[1][ids.length];
        try (OnnxTensor a = OnnxTensor.createTensor(env, input);
                OnnxTensor b = OnnxTensor.createTensor(env, mask);
                OnnxTensor c = OnnxTensor.createTensor(env, types);
                OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            float[][][] hidden = (float[][][]) r.get(0).getValue();
            float[] mean = new float[hidden[0][0].length];
            for (float[] token : hidden[0]) {
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += token[i] / ids.length;
                }
            }
            double norm = 0;
            for (float f : mean) {
                norm += f * f;
            }
            for (int i = 0; i < mean.length; i++) {
                mean[i] /= (float) Math.sqrt(norm);
            }
            return mean;
        }
    }
}
