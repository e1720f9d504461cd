package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.farnode.backend.ops.ActivationFormat.FP16;
import static org.farnode.backend.ops.ActivationFormat.INT4;
import static org.farnode.backend.ops.ActivationFormat.INT8;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference activation codecs: sizes, bytes, rounding and the round-trip error bound. */
class ActivationQuantizationTest {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest(name = "{0} positions of {1}")
    @CsvSource({"1, 1, 2, 5, 5, 8, 8", "1, 32, 64, 36, 20, 36, 20", "3, 33, 198, 123, 74, 124, 76",
            "1, 4096, 8192, 4608, 2560, 4608, 2560", "5, 7, 70, 55, 38, 56, 40"})
    void encodedSizesFollowTheLayout(int count, int dim, long fp16, long int8, long int4, long int8Words, long int4Words) {
        assertThat(FP16.encodedBytes(dim, count)).isEqualTo(fp16);
        assertThat(INT8.encodedBytes(dim, count)).isEqualTo(int8);
        assertThat(INT4.encodedBytes(dim, count)).isEqualTo(int4);
        assertThat(INT8.wordAlignedBytes(dim, count)).isEqualTo(int8Words);
        assertThat(INT4.wordAlignedBytes(dim, count)).isEqualTo(int4Words);
    }

    @Test
    void int8BytesAreTheScalesThenOneSignedBytePerValue() {
        // absmax 127 gives scale 127 ⊗ fl(1/127) = 1 exactly, so the ties below are exact ties.
        float[] x = {127f, -2.5f, 3.5f, -0f, 0.4f, -127f};
        byte[] bytes = encode(INT8, x, 6, 1);
        assertThat(bytes).containsExactly(0x00, 0x00, (byte) 0x80, 0x3F, 0x7F, (byte) 0xFE, 0x04, 0x00, 0x00, (byte) 0x81);
    }

    @Test
    void int4PacksTheEvenValueInTheLowNibbleAndZeroesTheLastHighNibble() {
        // two positions of 3, one block each: scales 1 (absmax 7) and 2 (absmax 14), q = 7 -2 2 | 7 -7 2
        float[] x = {7f, -1.5f, 2.5f, 14f, -14f, 5f};
        byte[] bytes = encode(INT4, x, 3, 2);
        assertThat(bytes).containsExactly(0x00, 0x00, (byte) 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, (byte) 0xE7, 0x72, 0x29);
        byte[] odd = encode(INT4, new float[] {7f, 1f, -7f}, 3, 1);
        assertThat(odd).containsExactly(0x00, 0x00, (byte) 0x80, 0x3F, 0x17, 0x09);
    }

    @Test
    void fp16IsTheJavaConversionPerValue() {
        float[] x = {1f, -2.5f, 65519.99f, 65520f, 1e-8f, 3e-8f, -0f, Float.POSITIVE_INFINITY, 0x1.002p0f, 0x1.006p0f};
        MemorySegment bytes = MemorySegment.ofArray(encode(FP16, x, x.length, 1));
        for (int i = 0; i < x.length; i++) {
            assertThat(bytes.get(HALF, 2L * i)).as("value %d", i).isEqualTo(Float.floatToFloat16(x[i]));
        }
    }

    @Test
    void fp16NaNKeepsSignAndTopPayloadBitsAndIsQuiet() {
        float[] x = {Float.intBitsToFloat(0xFFC01234), Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0x7FFFFFFF)};
        MemorySegment bytes = MemorySegment.ofArray(encode(FP16, x, 3, 1));
        assertThat(bytes.get(HALF, 0)).isEqualTo((short) 0xFE00);
        assertThat(bytes.get(HALF, 2)).isEqualTo((short) 0x7E00);
        assertThat(bytes.get(HALF, 4)).isEqualTo((short) 0x7FFF);
        MemorySegment halves = MemorySegment.ofArray(new byte[] {0x01, 0x7C, 0x00, (byte) 0xFE, 0x00, 0x7C});
        float[] decoded = decode(FP16, halves, 3, 1);
        assertThat(Float.floatToRawIntBits(decoded[0])).isEqualTo(0x7FC02000);
        assertThat(Float.floatToRawIntBits(decoded[1])).isEqualTo(0xFFC00000);
        assertThat(decoded[2]).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void aPartialLastBlockHasItsOwnScale() {
        int dim = 40;
        float[] x = new float[dim];
        x[3] = 254f;
        x[35] = -0.5f;
        MemorySegment bytes = MemorySegment.ofArray(encode(INT8, x, dim, 1));
        assertThat(bytes.get(FLOAT, 0)).isEqualTo(254f * ActivationQuantization.INVERSE_127);
        assertThat(bytes.get(FLOAT, 4)).isEqualTo(0.5f * ActivationQuantization.INVERSE_127);
        assertThat(bytes.get(ValueLayout.JAVA_BYTE, 8 + 35)).isEqualTo((byte) -127);
    }

    @Test
    void zeroBlocksAndMagnitudesBelowTwoToTheMinus100HaveScaleZeroAndDecodeToPositiveZero() {
        float[] x = new float[96];
        for (int j = 32; j < 64; j++) {
            x[j] = -0f;
        }
        x[64] = Math.nextDown(0x1p-100f);
        x[65] = -Float.MIN_VALUE;
        MemorySegment bytes = MemorySegment.ofArray(encode(INT8, x, 96, 1));
        for (int b = 0; b < 3; b++) {
            assertThat(Float.floatToRawIntBits(bytes.get(FLOAT, 4L * b))).as("scale bits of block %d", b).isZero();
        }
        float[] decoded = decode(INT8, bytes, 96, 1);
        for (float value : decoded) {
            assertThat(Float.floatToRawIntBits(value)).isZero();
        }
        float[] smallest = {0x1p-100f, Float.MIN_VALUE, Float.MIN_NORMAL};
        MemorySegment kept = MemorySegment.ofArray(encode(INT8, smallest, 3, 1));
        assertThat(kept.get(FLOAT, 0)).isEqualTo(0x1p-100f * ActivationQuantization.INVERSE_127);
        assertThat(kept.toArray(ValueLayout.JAVA_BYTE)).endsWith(127, 0, 0);
    }

    @Test
    void quantizeIsTheNearestIntegerToTheExactQuotientTiesToEven() {
        SplittableRandom random = new SplittableRandom(5);
        for (int k = 0; k < 200_000; k++) {
            float scale = ActivationQuantization.scaleOf(INT8, (float) Math.scalb(1 + random.nextDouble(), random.nextInt(-90, 120)));
            float x;
            if (k % 3 == 0) {
                // an exact tie when representable, else a float next to one
                x = (float) ((random.nextInt(-127, 127) + 0.5) * scale);
                x = k % 2 == 0 ? x : Math.nextUp(x);
            } else {
                x = (float) (random.nextDouble(-127.6, 127.6) * scale);
            }
            BigDecimal quotient = new BigDecimal(x).divide(new BigDecimal(scale), 60, RoundingMode.HALF_EVEN);
            int exact = quotient.setScale(0, RoundingMode.HALF_EVEN).intValueExact();
            assertThat(ActivationQuantization.quantize(x, scale, 127)).as("%s / %s", x, scale)
                    .isEqualTo(Math.max(-127, Math.min(127, exact)));
        }
    }

    @ParameterizedTest(name = "{0}: {1} positions of {2}")
    @CsvSource({"INT8, 1, 1", "INT8, 3, 33", "INT8, 2, 4096", "INT8, 4, 100", "INT4, 1, 1", "INT4, 3, 33", "INT4, 2, 4096",
            "INT4, 3, 77", "FP16, 3, 33", "FP16, 2, 4096"})
    void decodingAnEncodingIsWithinHalfAScaleOfEachValue(ActivationFormat format, int count, int dim) {
        // binary16 overflows past 65504, so its values stay near 1; the blockwise ones span 10^±20
        float[] x = format == FP16 ? RandomTensors.randomFloats(count * dim, dim) : mixedMagnitudes(count * dim, 31L * dim + count);
        MemorySegment bytes = MemorySegment.ofArray(encode(format, x, dim, count));
        float[] decoded = decode(format, bytes, dim, count);
        int blocks = ActivationFormat.blocksPerPosition(dim);
        for (int p = 0; p < count; p++) {
            for (int j = 0; j < dim; j++) {
                int i = p * dim + j;
                double bound;
                if (format == FP16) {
                    // half an ulp of binary16: 2^13 float ulps for normal halves, 2^-24 for subnormal ones
                    bound = Math.max(Math.ulp(decoded[i]) * 0x1p13, 0x1p-24) / 2;
                } else {
                    float scale = bytes.get(FLOAT, 4L * (p * blocks + j / ActivationFormat.BLOCK));
                    bound = scale / 2.0 + Math.ulp(decoded[i]) / 2;
                }
                assertThat(Math.abs((double) decoded[i] - x[i])).as("value %d (%s -> %s)", i, x[i], decoded[i])
                        .isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void blockwiseEncodersRejectNonFiniteValuesAndShortBuffers() {
        float[] x = {1f, Float.NaN};
        assertThatThrownBy(() -> encode(INT8, x, 2, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value 1 is NaN");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(5);
            assertThatThrownBy(() -> ActivationQuantization.encode(INT8, new float[] {1f, 2f}, 2, 1, small))
                    .hasMessageContaining("takes 6 bytes, the segment has 5");
            assertThatThrownBy(() -> ActivationQuantization.encode(INT8, new float[3], 2, 2, arena.allocate(100)))
                    .hasMessageContaining("need 4 floats, got 3");
            assertThatThrownBy(() -> ActivationQuantization.encode(INT8, new float[3], 0, 2, arena.allocate(100)))
                    .hasMessageContaining("dim ≥ 1");
        }
    }

    /** Gaussians times a power of ten per block of 32, from 10^-20 to 10^20, with some exact zeros. */
    static float[] mixedMagnitudes(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        double magnitude = 1;
        for (int i = 0; i < n; i++) {
            if (i % 32 == 0) {
                magnitude = Math.pow(10, random.nextInt(-20, 21));
            }
            x[i] = random.nextInt(50) == 0 ? 0f : (float) (random.nextGaussian() * magnitude);
        }
        return x;
    }

    static byte[] encode(ActivationFormat format, float[] x, int dim, int count) {
        byte[] bytes = new byte[(int) format.encodedBytes(dim, count)];
        ActivationQuantization.encode(format, x, dim, count, MemorySegment.ofArray(bytes));
        return bytes;
    }

    static float[] decode(ActivationFormat format, MemorySegment bytes, int dim, int count) {
        float[] out = new float[dim * count];
        ActivationQuantization.decode(format, bytes, dim, count, out);
        return out;
    }
}
