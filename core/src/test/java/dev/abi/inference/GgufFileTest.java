package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF reader on the real files, and on truncated, bit-flipped and hand-made hostile ones. */
class GgufFileTest {

    private static final Path F32 = GreedyGenerationTest.MODELS.resolve("stories260K-f32.gguf");
    /**
     * Only a guard against a parse that never ends (a loop over a hostile count): not a speed claim. A flip takes
     * about 20 ms here; a loaded build machine may stall far longer, so the guard is generous.
     */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static void requireShared() {
        Assumptions.assumeTrue(
                Files.exists(F32), "skipped: " + F32.toAbsolutePath().normalize() + " is absent (../shared/models)");
    }

    @Test
    void readsTheRealFile() {
        requireShared();
        try (GgufFile f = GgufFile.open(F32)) {
            assertEquals(3, f.version());
            assertEquals("llama", f.string("general.architecture"));
            assertEquals(512, f.strings("tokenizer.ggml.tokens").length);
            assertEquals(64, f.integer("llama.embedding_length"));
            assertEquals(3 + 9 * 5, f.tensors().size()); // token_embd, output_norm, output, 9 per layer
            GgufTensorInfo embd = f.tensor("token_embd.weight");
            assertEquals(GgmlType.F32, embd.type());
            assertEquals(64 * 512 * 4, embd.byteSize());
            assertEquals(embd.byteSize(), f.map("token_embd.weight").capacity());
        }
    }

    @Test
    void everyTruncationIsATypedError() throws Exception {
        requireShared();
        byte[] whole = Files.readAllBytes(F32);
        long dataStart;
        try (GgufFile f = GgufFile.open(F32)) {
            dataStart = f.tensors().values().stream()
                    .mapToLong(GgufTensorInfo::fileOffset)
                    .min()
                    .orElseThrow();
        }
        int[] cuts = {
            0,
            3,
            8,
            16,
            23,
            24,
            40,
            100,
            1000,
            5000,
            (int) dataStart - 1,
            (int) dataStart,
            (int) dataStart + 1,
            whole.length / 2,
            whole.length - 1
        };
        for (int cut : cuts) {
            Path p = dir.resolve("cut-" + cut + ".gguf");
            Files.write(p, Arrays.copyOf(whole, cut));
            ModelFormatException e = assertThrows(
                    ModelFormatException.class, () -> LlamaModel.load(p).close(), "truncated to " + cut + " bytes");
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        }
    }

    @Test
    void randomBitFlipsGiveATypedErrorOrAWorkingModelAndNeverHang() throws Exception {
        requireShared();
        byte[] whole = Files.readAllBytes(F32);
        Random rnd = new Random(42);
        int typed = 0;
        for (int i = 0; i < 300; i++) {
            byte[] copy = whole.clone();
            // mostly in the header, where structure lives; some in the weights
            int at = i % 5 == 0 ? rnd.nextInt(copy.length) : rnd.nextInt(16_000);
            copy[at] ^= (byte) (1 << rnd.nextInt(8));
            Path p = dir.resolve("flip.gguf");
            Files.write(p, copy);
            boolean[] failed = {false};
            assertTimeoutPreemptively(
                    HANG_GUARD,
                    () -> {
                        try (LlamaModel m = LlamaModel.load(p)) {
                            m.newSession().forward(1);
                        } catch (ModelFormatException expected) {
                            failed[0] = true;
                        } catch (IllegalArgumentException outOfVocabulary) {
                            failed[0] = true; // a flipped BOS id is caught at the first forward call, by name
                        }
                    },
                    "bit flip at byte " + at);
            typed += failed[0] ? 1 : 0;
        }
        assertTrue(typed > 0, "some flips must be detected");
    }

    // ---- hand-made hostile headers ----

    private Path gguf(String name, Consumer<ByteBuffer> body) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747);
        body.accept(b);
        Path p = dir.resolve(name + ".gguf");
        Files.write(p, Arrays.copyOf(b.array(), Math.max(b.position(), 64)));
        return p;
    }

    private static void str(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(bytes.length).put(bytes);
    }

    private void assertRejected(Path p, String expectedInMessage) {
        ModelFormatException e = assertTimeoutPreemptively(
                HANG_GUARD,
                () -> assertThrows(
                        ModelFormatException.class, () -> GgufFile.open(p).close()));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void hostileHeadersAreRejectedWithoutAllocating() throws Exception {
        assertRejected(gguf("count", b -> b.putInt(3).putLong(1L << 62).putLong(0)), "tensor count");
        assertRejected(gguf("kv", b -> b.putInt(3).putLong(0).putLong(1L << 40)), "metadata count");
        assertRejected(gguf("version", b -> b.putInt(7).putLong(0).putLong(0)), "version 7");
        assertRejected(
                gguf("strlen", b -> {
                    b.putInt(3).putLong(0).putLong(1);
                    b.putLong(1L << 40); // key length
                }),
                "string length");
        assertRejected(
                gguf("array", b -> {
                    b.putInt(3).putLong(0).putLong(1);
                    str(b, "tokenizer.ggml.tokens");
                    b.putInt(9).putInt(8).putLong(1L << 60);
                }),
                "cannot fit");
        assertRejected(
                gguf("valuetype", b -> {
                    b.putInt(3).putLong(0).putLong(1);
                    str(b, "k");
                    b.putInt(77);
                }),
                "unknown value type 77");
        assertRejected(
                gguf("tensortype", b -> {
                    b.putInt(3).putLong(1).putLong(0);
                    str(b, "w");
                    b.putInt(2).putLong(32).putLong(2).putInt(99).putLong(0);
                }),
                "unknown type id 99");
        assertRejected(
                gguf("pastEof", b -> {
                    b.putInt(3).putLong(1).putLong(0);
                    str(b, "w");
                    b.putInt(2).putLong(32).putLong(2).putInt(0).putLong(1L << 40);
                }),
                "outside the file");
        assertRejected(
                gguf("dims", b -> {
                    b.putInt(3).putLong(1).putLong(0);
                    str(b, "w");
                    b.putInt(9);
                }),
                "9 dimensions");
        assertRejected(
                gguf("blocks", b -> {
                    b.putInt(3).putLong(1).putLong(0);
                    str(b, "w");
                    b.putInt(2).putLong(31).putLong(2).putInt(8).putLong(0);
                }),
                "do not fill Q8_0 blocks");
        ByteArrayOutputStream notGguf = new ByteArrayOutputStream();
        notGguf.writeBytes("PK\u0003\u0004 definitely a zip".getBytes(StandardCharsets.ISO_8859_1));
        Path zip = dir.resolve("zip.gguf");
        Files.write(zip, Arrays.copyOf(notGguf.toByteArray(), 64));
        assertRejected(zip, "bad magic");
    }

    @Test
    void aVocabularyOnlyFileOfAnotherTokenizerSaysWhatIsNotBuilt() {
        Path bpe = SpmTokenizerTest.TOKENIZERS.resolve("ggml-vocab-llama-bpe.gguf");
        Assumptions.assumeTrue(
                Files.exists(bpe), "skipped: " + bpe.toAbsolutePath().normalize() + " is absent");
        try (GgufFile f = GgufFile.open(bpe)) {
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> SpmTokenizer.from(f));
            assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
        }
    }
}
