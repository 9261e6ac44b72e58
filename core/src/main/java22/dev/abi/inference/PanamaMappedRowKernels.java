package dev.abi.inference;

import static dev.abi.inference.QuantBlock.BLOCK;
import static dev.abi.inference.QuantBlock.Q4_0_BYTES;
import static dev.abi.inference.QuantBlock.Q8_0_BYTES;
import static dev.abi.inference.QuantBlock.SCALE_BYTES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MappedRowKernels} on the Vector API, loading the weight blocks from the mapped {@code MemorySegment}
 * (JDK 22+; this class is in the jar's {@code META-INF/versions/22}). The operations and their order are those of
 * {@link PanamaInferenceKernels}' row kernels, so results are bit for bit the same as on a copied row.
 */
final class PanamaMappedRowKernels implements MappedRowKernels {

    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Byte> BYTES_128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> BYTES_256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> SHORTS_256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> SHORTS_512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> INTS_256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> INTS_512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> FLOATS_256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> FLOATS_512 = FloatVector.SPECIES_512;

    @Override
    public Object wrap(ByteBuffer data) {
        return MemorySegment.ofBuffer(data);
    }

    @Override
    public float dotQ8Row(Object data, long offset, int blocks, short[] aqWide, float[] aScales) {
        // the row as its own slice, indexed by the block counter: C2 then hoists the array range checks out of the
        // loop (with offset + b * size into the whole mapping it kept them all, 50 instructions a block against 42)
        MemorySegment seg = ((MemorySegment) data).asSlice(offset, (long) blocks * Q8_0_BYTES);
        if (WIDE) {
            FloatVector acc = FloatVector.zero(FLOATS_512);
            for (int b = 0; b < blocks; b++) {
                long wo = b * Q8_0_BYTES;
                acc = q8Block(
                        seg,
                        wo,
                        ShortVector.fromArray(SHORTS_512, aqWide, b * BLOCK),
                        Float.float16ToFloat(seg.get(HALF, wo)) * aScales[b],
                        acc);
            }
            return PanamaInferenceKernels.sum(acc);
        }
        FloatVector acc = FloatVector.zero(FLOATS_256);
        for (int b = 0; b < blocks; b++) {
            long wo = b * Q8_0_BYTES;
            float d = Float.float16ToFloat(seg.get(HALF, wo)) * aScales[b];
            ShortVector p0 = ((ShortVector) ByteVector.fromMemorySegment(BYTES_128, seg, wo + SCALE_BYTES, LE)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK));
            ShortVector p1 = ((ShortVector)
                            ByteVector.fromMemorySegment(BYTES_128, seg, wo + SCALE_BYTES + BLOCK / 2, LE)
                                    .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2));
            FloatVector q = (FloatVector) blockLanes(p0, p1).convert(VectorOperators.I2F, 0);
            acc = q.fma(FloatVector.broadcast(FLOATS_256, d), acc);
        }
        return PanamaInferenceKernels.sum(acc);
    }

    @Override
    public float dotQ4Row(Object data, long offset, int blocks, short[] aqWide, float[] aScales, int[] aSums) {
        MemorySegment seg = ((MemorySegment) data).asSlice(offset, (long) blocks * Q4_0_BYTES); // as in dotQ8Row
        if (WIDE) {
            FloatVector acc = FloatVector.zero(FLOATS_512);
            float off = 0;
            for (int b = 0; b < blocks; b++) {
                long wo = b * Q4_0_BYTES;
                float d = Float.float16ToFloat(seg.get(HALF, wo)) * aScales[b];
                acc = q4Block(ByteVector.fromMemorySegment(BYTES_128, seg, wo + SCALE_BYTES, LE), aqWide, b, d, acc);
                off += d * aSums[b];
            }
            return PanamaInferenceKernels.sum(acc) - 8 * off;
        }
        FloatVector acc = FloatVector.zero(FLOATS_256);
        for (int b = 0; b < blocks; b++) {
            long wo = b * Q4_0_BYTES;
            float d = Float.float16ToFloat(seg.get(HALF, wo)) * aScales[b];
            ByteVector q = ByteVector.fromMemorySegment(BYTES_128, seg, wo + SCALE_BYTES, LE);
            ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            ShortVector p0 = ((ShortVector) lo.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK));
            ShortVector p1 = ((ShortVector) hi.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2));
            FloatVector f = (FloatVector) blockLanes(p0, p1).convert(VectorOperators.I2F, 0);
            acc = f.fma(FloatVector.broadcast(FLOATS_256, d), acc);
        }
        return PanamaInferenceKernels.sum(acc);
    }

    @Override
    public void dotQ4Rows2(
            Object data,
            long offset0,
            long offset1,
            int blocks,
            short[] aqWide,
            float[] aScales,
            int[] aSums,
            float[] out,
            int r) {
        if (!WIDE) {
            out[r] = dotQ4Row(data, offset0, blocks, aqWide, aScales, aSums);
            out[r + 1] = dotQ4Row(data, offset1, blocks, aqWide, aScales, aSums);
            return;
        }
        MemorySegment s0 = ((MemorySegment) data).asSlice(offset0, (long) blocks * Q4_0_BYTES);
        MemorySegment s1 = ((MemorySegment) data).asSlice(offset1, (long) blocks * Q4_0_BYTES);
        FloatVector acc0 = FloatVector.zero(FLOATS_512);
        FloatVector acc1 = FloatVector.zero(FLOATS_512);
        float off0 = 0;
        float off1 = 0;
        for (int b = 0; b < blocks; b++) {
            long wo = b * Q4_0_BYTES;
            float as = aScales[b];
            float sum = aSums[b];
            ShortVector a0 = ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK);
            ShortVector a1 = ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2);
            float d0 = Float.float16ToFloat(s0.get(HALF, wo)) * as;
            float d1 = Float.float16ToFloat(s1.get(HALF, wo)) * as;
            acc0 = PanamaInferenceKernels.q4Block(
                    ByteVector.fromMemorySegment(BYTES_128, s0, wo + SCALE_BYTES, LE), a0, a1, d0, acc0);
            acc1 = PanamaInferenceKernels.q4Block(
                    ByteVector.fromMemorySegment(BYTES_128, s1, wo + SCALE_BYTES, LE), a0, a1, d1, acc1);
            off0 += d0 * sum;
            off1 += d1 * sum;
        }
        out[r] = PanamaInferenceKernels.sum(acc0) - 8 * off0;
        out[r + 1] = PanamaInferenceKernels.sum(acc1) - 8 * off1;
    }

    @Override
    public void dotQ8Rows2(
            Object data, long offset0, long offset1, int blocks, short[] aqWide, float[] aScales, float[] out, int r) {
        if (!WIDE) {
            out[r] = dotQ8Row(data, offset0, blocks, aqWide, aScales);
            out[r + 1] = dotQ8Row(data, offset1, blocks, aqWide, aScales);
            return;
        }
        MemorySegment s0 = ((MemorySegment) data).asSlice(offset0, (long) blocks * Q8_0_BYTES);
        MemorySegment s1 = ((MemorySegment) data).asSlice(offset1, (long) blocks * Q8_0_BYTES);
        FloatVector acc0 = FloatVector.zero(FLOATS_512);
        FloatVector acc1 = FloatVector.zero(FLOATS_512);
        for (int b = 0; b < blocks; b++) {
            long wo = b * Q8_0_BYTES;
            float as = aScales[b];
            ShortVector a = ShortVector.fromArray(SHORTS_512, aqWide, b * BLOCK);
            acc0 = q8Block(s0, wo, a, Float.float16ToFloat(s0.get(HALF, wo)) * as, acc0);
            acc1 = q8Block(s1, wo, a, Float.float16ToFloat(s1.get(HALF, wo)) * as, acc1);
        }
        out[r] = PanamaInferenceKernels.sum(acc0);
        out[r + 1] = PanamaInferenceKernels.sum(acc1);
    }

    /**
     * One Q8_0 block at {@code wo} of {@code seg} times its 32 activations {@code a}: the 32 bytes loaded and widened
     * at once, multiplied in 32 short lanes, the two halves added (lane k holds products k and k + 16, as in
     * {@link PanamaInferenceKernels}' two-half form, so the same integers), widened to 16 ints and accumulated
     * with the scale {@code d}. One load, widening and multiply fewer than two 16-byte halves.
     */
    private static FloatVector q8Block(MemorySegment seg, long wo, ShortVector a, float d, FloatVector acc) {
        ShortVector p = ((ShortVector) ByteVector.fromMemorySegment(BYTES_256, seg, wo + SCALE_BYTES, LE)
                        .convertShape(VectorOperators.B2S, SHORTS_512, 0))
                .mul(a);
        ShortVector folded =
                ((ShortVector) p.reinterpretShape(SHORTS_256, 0)).add((ShortVector) p.reinterpretShape(SHORTS_256, 1));
        IntVector lanes = (IntVector) folded.convertShape(VectorOperators.S2I, INTS_512, 0);
        return ((FloatVector) lanes.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_512, d), acc);
    }

    /**
     * One Q4_0 block's unsigned nibbles times its activations, added in 16 short lanes, widened and accumulated with
     * its scale {@code d}: {@link PanamaInferenceKernels#q4Block}.
     */
    private static FloatVector q4Block(ByteVector q, short[] aqWide, int b, float d, FloatVector acc) {
        return PanamaInferenceKernels.q4Block(q, aqWide, b, d, acc);
    }

    /** Eight int lanes of one block's 32 products, as {@link PanamaInferenceKernels} sums them. */
    private static IntVector blockLanes(ShortVector p0, ShortVector p1) {
        return ((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 0))
                .add((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 1))
                .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 0))
                .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 1));
    }
}
