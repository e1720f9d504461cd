package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes the CPU kernels use, and the few lane operations they share.
 *
 * <p>Kernels work on {@link #LANES} floats at a time in the machine's preferred shape: 16 with
 * AVX-512, 8 with AVX2. A quantized block of 32 values is then 2 or 4 "steps" of {@link #LANES}.
 * Other shapes (128-bit NEON, SVE) are not {@link #SUPPORTED} yet and use the scalar kernels.
 *
 * <p>The summation order is part of the kernels' contract (see {@link VectorDots}); that is why
 * {@link #sumLanes} exists: {@code reduceLanes(ADD)} leaves the order unspecified, and the
 * interpreter and C2 do use different orders, so a row could round differently before and after
 * the method is compiled.
 */
final class CpuVectors {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final int LANES = FLOATS.length();
    static final boolean SUPPORTED = LANES == 8 || LANES == 16;

    /** Bytes, shorts and ints with one lane per float lane, for widening conversions. */
    static final VectorSpecies<Byte> BYTES = SUPPORTED ? shapeOf(byte.class, 8) : ByteVector.SPECIES_64;
    static final VectorSpecies<Short> SHORTS = SUPPORTED ? shapeOf(short.class, 16) : ShortVector.SPECIES_64;
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;

    /** {@link #LANES} bytes as ints (4 bytes a lane), for {@link #byteWords}. */
    static final VectorSpecies<Integer> BYTE_WORDS = SUPPORTED ? shapeOf(int.class, 8) : IntVector.SPECIES_64;

    /** 16 bytes: the packed nibbles of one Q4_0 block. */
    static final VectorSpecies<Byte> BYTES_16 = ByteVector.SPECIES_128;

    private static final VectorShuffle<Float> SWAP_8 = swap(8);
    private static final VectorShuffle<Float> SWAP_4 = swap(4);
    private static final VectorShuffle<Float> SWAP_2 = swap(2);
    private static final VectorShuffle<Float> SWAP_1 = swap(1);

    private CpuVectors() {
    }

    /**
     * Sum of the lanes as a fixed tree: lane i is first added to lane i+L/2, then i+L/4, ...; the
     * same bits whether interpreted or compiled.
     */
    static float sumLanes(FloatVector v) {
        if (LANES == 16) {
            v = v.add(v.rearrange(SWAP_8));
        }
        v = v.add(v.rearrange(SWAP_4));
        v = v.add(v.rearrange(SWAP_2));
        v = v.add(v.rearrange(SWAP_1));
        return v.lane(0);
    }

    /** {@link #LANES} signed bytes at {@code offset}, widened to floats. */
    static FloatVector bytesToFloats(MemorySegment data, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(BYTES, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    /**
     * {@link #LANES} unsigned bytes at {@code offset}, zero-extended to ints: x86 has no byte-lane
     * shift, and on ints splitting nibbles or bit pairs is one shift and one {@code and}.
     */
    static IntVector unsignedBytes(MemorySegment data, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(BYTES, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    /**
     * {@link #LANES} bytes at {@code offset} as {@code LANES / 4} ints, for unpacking bit fields of
     * all the bytes at once with 32-bit shifts and masks (bits shifted across a byte boundary are
     * masked off), on vectors a quarter the size of the float vectors; {@link #widenBytes} then
     * gives each byte its lane.
     */
    static IntVector byteWords(MemorySegment data, long offset) {
        return IntVector.fromMemorySegment(BYTE_WORDS, data, offset, ByteOrder.LITTLE_ENDIAN);
    }

    /** The {@link #LANES} bytes of {@code words} (from {@link #byteWords}), each zero-extended to an int lane. */
    static IntVector widenBytes(IntVector words) {
        return (IntVector) words.reinterpretAsBytes().convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    /** {@code ints} as floats (exact for the small quants the kernels hold). */
    static FloatVector toFloats(IntVector ints) {
        return (FloatVector) ints.convert(VectorOperators.I2F, 0);
    }

    /** {@link #LANES} bfloat16 values at {@code offset}: each is the upper half of a float32. */
    static FloatVector bf16ToFloats(MemorySegment data, long offset) {
        ShortVector halves = ShortVector.fromMemorySegment(SHORTS, data, offset, ByteOrder.LITTLE_ENDIAN);
        return ((IntVector) halves.convertShape(VectorOperators.S2I, INTS, 0))
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /**
     * {@link #LANES} IEEE half-precision values at {@code offset}, exactly as
     * {@link Float#float16ToFloat}: the exponent and mantissa bits are moved into float position
     * and the result multiplied by 2^112 to re-bias the exponent (which also turns half subnormals
     * into the right normal floats); infinities and NaNs get the float's all-ones exponent.
     */
    static FloatVector f16ToFloats(MemorySegment data, long offset) {
        ShortVector halves = ShortVector.fromMemorySegment(SHORTS, data, offset, ByteOrder.LITTLE_ENDIAN);
        IntVector bits = (IntVector) halves.convertShape(VectorOperators.S2I, INTS, 0);
        IntVector magnitude = bits.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        IntVector value = finite.blend(shifted.or(0x7F800000), special);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return value.or(sign).reinterpretAsFloats();
    }

    private static <E> VectorSpecies<E> shapeOf(Class<E> type, int bitsPerLane) {
        return VectorSpecies.of(type, VectorShape.forBitSize(LANES * bitsPerLane));
    }

    private static VectorShuffle<Float> swap(int distance) {
        return VectorShuffle.fromOp(FLOATS, i -> (i ^ distance) & (LANES - 1));
    }
}
