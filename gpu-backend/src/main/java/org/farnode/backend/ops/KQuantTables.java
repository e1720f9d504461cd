package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.INTS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.toFloats;
import static org.farnode.backend.ops.CpuVectors.unsignedBytes;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.farnode.backend.tensor.KQuantScales;

/**
 * The per-super-block scale tables of {@link SuperBlockVectorKernel}: the packed sub-block scales
 * (and mins) of one super-block turned into floats, exactly the products ggml forms
 * ({@code d·scale}, and {@code −(dmin·min)}, exact in float since they need at most 11 + 8 bits).
 *
 * <p>The 6-bit packings (Q4_K/Q5_K, Q3_K) are unpacked four scales per 32-bit word with
 * masks and shifts (the layouts are drawn in {@link KQuantScales}), then widened byte by byte to
 * 16 float lanes: one short vector computation per super-block. That needs 16-lane vectors
 * (AVX-512); with 8 lanes the same values come from scalar code.
 */
final class KQuantTables {
    private static final VectorSpecies<Integer> WORDS = IntVector.SPECIES_128;
    private static final VectorSpecies<Byte> BYTES_16 = ByteVector.SPECIES_128;

    // Q4_K/Q5_K: words [scales 0-3, scales 4-7, mins 0-3, mins 4-7] from the 12 bytes as words w0 w1 w2:
    // low bits (w0 & 3F, w2 & 0F, w1 & 3F, w2 >> 4 & 0F), top bits (0, w0 >> 2 & 30, 0, w1 >> 2 & 30).
    private static final VectorShuffle<Integer> SIX_BIT_LOW_FROM = VectorShuffle.fromValues(WORDS, 0, 2, 1, 2);
    private static final VectorShuffle<Integer> SIX_BIT_TOP_FROM = VectorShuffle.fromValues(WORDS, 0, 0, 1, 1);
    private static final IntVector SIX_BIT_LOW_SHIFT = words(0, 0, 0, 4);
    private static final IntVector SIX_BIT_LOW_MASK = words(0x3F3F3F3F, 0x0F0F0F0F, 0x3F3F3F3F, 0x0F0F0F0F);
    private static final IntVector SIX_BIT_TOP_MASK = words(0, 0x30303030, 0, 0x30303030);
    private static final VectorMask<Float> MIN_LANES = LANES == 16 ? VectorMask.fromLong(FLOATS, 0xFF00L) : null;

    // Q3_K: words [scales 0-3, 4-7, 8-11, 12-15] (stored + 32): low nibbles (w0, w1, w0 >> 4, w1 >> 4) & 0F,
    // top bits (w2 >> 0, 2, 4, 6) & 03, moved to bits 4-5. Its 12 bytes are loaded from 2 bytes earlier
    // (a 16-byte load from the scales would run past the 110-byte block), so they are first moved down.
    private static final VectorShuffle<Byte> Q3_SCALE_BYTES = VectorShuffle.fromValues(BYTES_16,
            2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0, 0, 0, 0);
    private static final VectorShuffle<Integer> Q3_LOW_FROM = VectorShuffle.fromValues(WORDS, 0, 1, 0, 1);
    private static final VectorShuffle<Integer> Q3_TOP_FROM = VectorShuffle.fromValues(WORDS, 2, 2, 2, 2);
    private static final IntVector Q3_LOW_SHIFT = words(0, 0, 4, 4);
    private static final IntVector Q3_TOP_SHIFT = words(0, 2, 4, 6);

    private KQuantTables() {
    }

    /**
     * Q4_K/Q5_K: {@code table[t + j] = d·scale_j} and {@code table[t + 8 + j] = −dmin·min_j} for
     * {@code j < 8}, from the 12 scale bytes at {@code at} (the 4 bytes after them are read too).
     */
    static void scalesAndMins(MemorySegment data, long at, float d, float dmin, float[] table, int t) {
        if (LANES == 16) {
            IntVector w = IntVector.fromMemorySegment(WORDS, data, at, ByteOrder.LITTLE_ENDIAN);
            IntVector sixBits = w.rearrange(SIX_BIT_LOW_FROM).lanewise(VectorOperators.LSHR, SIX_BIT_LOW_SHIFT).and(SIX_BIT_LOW_MASK)
                    .or(w.rearrange(SIX_BIT_TOP_FROM).lanewise(VectorOperators.LSHR, 2).and(SIX_BIT_TOP_MASK));
            FloatVector factors = FloatVector.broadcast(FLOATS, d).blend(-dmin, MIN_LANES);
            toFloats(widen(sixBits)).mul(factors).intoArray(table, t);
            return;
        }
        long first8 = KQuantScales.first8(data, at);
        int last4 = KQuantScales.last4(data, at);
        for (int j = 0; j < 8; j++) {
            table[t + j] = d * KQuantScales.scale(first8, last4, j);
            table[t + 8 + j] = -(dmin * KQuantScales.min(first8, last4, j));
        }
    }

    /** Q3_K: {@code table[t + j] = d·scale_j} for {@code j < 16}, from the 12 scale bytes at {@code at} (the 2 bytes before are read too). */
    static void signedScales(MemorySegment data, long at, float d, float[] table, int t) {
        if (LANES == 16) {
            IntVector w = ByteVector.fromMemorySegment(BYTES_16, data, at - 2, ByteOrder.LITTLE_ENDIAN)
                    .rearrange(Q3_SCALE_BYTES).reinterpretAsInts();
            IntVector stored = w.rearrange(Q3_LOW_FROM).lanewise(VectorOperators.LSHR, Q3_LOW_SHIFT).and(0x0F0F0F0F)
                    .or(w.rearrange(Q3_TOP_FROM).lanewise(VectorOperators.LSHR, Q3_TOP_SHIFT).and(0x03030303)
                            .lanewise(VectorOperators.LSHL, 4));
            toFloats(widen(stored).sub(32)).mul(d).intoArray(table, t);
            return;
        }
        long first8 = KQuantScales.first8(data, at);
        int last4 = KQuantScales.last4(data, at);
        for (int j = 0; j < 16; j++) {
            table[t + j] = d * KQuantScales.signedScale(first8, last4, j);
        }
    }

    /** Q2_K: {@code table[t + j] = d·(b_j & 15)}, {@code table[t + 16 + j] = −dmin·(b_j >> 4)} for the 16 bytes at {@code at}. */
    static void nibbleScalesAndMins(MemorySegment data, long at, float d, float dmin, float[] table, int t) {
        for (int j = 0; j < 16; j += LANES) {
            IntVector packed = unsignedBytes(data, at + j);
            toFloats(packed.and(15)).mul(d).intoArray(table, t + j);
            toFloats(packed.lanewise(VectorOperators.LSHR, 4)).mul(-dmin).intoArray(table, t + 16 + j);
        }
    }

    /** Q6_K: {@code table[t + j] = d·scale_j} for the 16 signed byte scales at {@code at}. */
    static void byteScales(MemorySegment data, long at, float d, float[] table, int t) {
        for (int j = 0; j < 16; j += LANES) {
            CpuVectors.bytesToFloats(data, at + j).mul(d).intoArray(table, t + j);
        }
    }

    /** The 16 bytes of four words, each zero-extended to an int lane (16 lanes). */
    private static IntVector widen(IntVector words) {
        return (IntVector) words.reinterpretAsBytes().convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    private static IntVector words(int... values) {
        return IntVector.fromArray(WORDS, values, 0);
    }
}
