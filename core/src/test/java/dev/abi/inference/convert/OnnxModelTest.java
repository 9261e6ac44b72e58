package dev.abi.inference.convert;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.inference.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ONNX reader on the real file, on truncations and bit flips of it, and on hand-made hostile bytes. */
class OnnxModelTest {

    private static ByteBuffer head(int bytes) throws Exception {
        try (FileChannel ch = FileChannel.open(EmbeddingFixtures.onnx(), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(bytes);
            ch.read(b, 0);
            return b.flip();
        }
    }

    @Test
    void readsTheRealModelsWeightsAndNodes() {
        OnnxModel m = OnnxModel.read(EmbeddingFixtures.onnx());
        assertTrue(m.graphInputs().contains("input_ids"), m.graphInputs().toString());
        OnnxModel.Tensor words = m.initializers().get("embeddings.word_embeddings.weight");
        assertTrue(words.dims()[0] == 30522 && words.dims()[1] == 384);
        assertTrue(m.node("/encoder/layer.5/output/dense/MatMul") != null);
        assertTrue(Math.abs(m.constant(m.node("/encoder/layer.0/attention/self/Div")
                                        .inputs()
                                        .get(1))
                                .floats()[0]
                        - Math.sqrt(32))
                < 1e-5);
    }

    /** The timeout turns a mutant that loops forever into a failure; at minutes, it claims nothing about speed. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void truncationsAndBitFlipsFailWithATypedErrorOrParse() throws Exception {
        ByteBuffer whole = head(1 << 20); // the graph's first megabyte: nodes, then the first initializers
        Random rnd = new Random(3);
        for (int i = 0; i < 300; i++) {
            ByteBuffer copy = ByteBuffer.allocate(whole.remaining());
            copy.put(whole.duplicate()).flip();
            if (i % 2 == 0) {
                copy.limit(rnd.nextInt(copy.capacity()));
            } else {
                for (int f = 0; f < 8; f++) {
                    int at = rnd.nextInt(copy.capacity());
                    copy.put(at, (byte) (copy.get(at) ^ (1 << rnd.nextInt(8))));
                }
            }
            try {
                OnnxModel.parse(copy, "mutant " + i);
            } catch (ModelFormatException expected) {
                assertTrue(expected.getMessage().contains("mutant " + i), expected.getMessage());
            }
        }
    }

    @Test
    void hostileLengthsAreRejectedWithoutAllocating() {
        // field 7 (graph), length-delimited, claiming 2^62 bytes
        byte[] huge = {
            0x3a,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            0x40
        };
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> OnnxModel.parse(ByteBuffer.wrap(huge), "hostile.onnx"));
        assertTrue(e.getMessage().contains("hostile.onnx") && e.getMessage().contains("length"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> OnnxModel.parse(ByteBuffer.wrap(new byte[] {8}), "cut.onnx"));
        assertThrows(ModelFormatException.class, () -> OnnxModel.parse(ByteBuffer.wrap(new byte[] {8, 1}), "nograph"));
    }
}
