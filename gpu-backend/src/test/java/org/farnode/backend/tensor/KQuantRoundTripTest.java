package org.farnode.backend.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Quantize} then {@link Dequantize} for the K-quants, on seeded Gaussian weights (standard
 * deviation 0.02, as in the synthetic models).
 *
 * <p>Bounds, each about 15% above what this encoder measured on these 65,536 values: the RMS error
 * relative to the RMS of the input (measured Q2_K 0.271, Q3_K 0.145, Q4_K 0.072, Q5_K 0.037,
 * Q6_K 0.017; Q4_0 is 0.086), and the largest error in a super-block relative to its largest
 * magnitude (0.38, 0.26, 0.14, 0.078, 0.030). Re-encoding decoded values is not an exact fixed
 * point (a sub-block's fit can land on another step), but it is stable: it moves the values by a
 * small fraction of the first round trip's error (RMS at most 0.015 of the input's, measured
 * 0.0006-0.0101) and the error against the original grows by at most 5% (measured 0-2%).
 */
class KQuantRoundTripTest {
    private static final int N = 256 * 256;

    @ParameterizedTest(name = "{0}: rms error <= {1}, worst <= {2} of the block's largest magnitude")
    @CsvSource({"Q2_K, 0.31, 0.43", "Q3_K, 0.17, 0.30", "Q4_K, 0.083, 0.16", "Q5_K, 0.043, 0.09", "Q6_K, 0.02, 0.035"})
    void roundTripErrorIsBounded(GgmlType type, double relativeRms, double relativeWorst) {
        float[] x = gaussian(N, 0.02, 1);
        float[] y = roundTrip(type, x);
        assertThat(relativeRms(y, x, x)).as("%s rms error / rms", type).isLessThanOrEqualTo(relativeRms);
        for (int b = 0; b < N / 256; b++) {
            float largest = 0;
            float worst = 0;
            for (int i = 256 * b; i < 256 * b + 256; i++) {
                largest = Math.max(largest, Math.abs(x[i]));
                worst = Math.max(worst, Math.abs(y[i] - x[i]));
            }
            assertThat((double) worst / largest).as("%s block %d", type, b).isLessThanOrEqualTo(relativeWorst);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void reEncodingDecodedValuesIsStable(GgmlType type) {
        float[] x = gaussian(N, 0.02, 2);
        float[] once = roundTrip(type, x);
        float[] twice = roundTrip(type, once);
        assertThat(relativeRms(twice, once, x)).as("%s: rms change / rms", type).isLessThanOrEqualTo(0.015);
        assertThat(relativeRms(twice, x, x)).as("%s: error against the original after two round trips", type)
                .isLessThanOrEqualTo(1.05 * relativeRms(once, x, x));
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void degenerateBlocksDecodeToCloseFiniteValues(GgmlType type) {
        float[][] blocks = {
                new float[256],                                  // zeros
                filled(-0.5f),                                   // one negative value
                filled(0.25f),                                   // one positive value
                withOutlier(gaussian(256, 0.01, 3), 7, 3f),      // a lone outlier dominates the scales
                gaussian(256, 1e-7, 4),                          // steps below the smallest f16
        };
        for (float[] x : blocks) {
            float[] y = roundTrip(type, x);
            float largest = 0;
            for (float v : x) {
                largest = Math.max(largest, Math.abs(v));
            }
            for (int i = 0; i < 256; i++) {
                assertThat(Float.isFinite(y[i])).isTrue();
                assertThat(Math.abs(y[i] - x[i])).as("%s value %d of %s...", type, i, Arrays.toString(Arrays.copyOf(x, 3)))
                        .isLessThanOrEqualTo(largest);
            }
        }
        assertThat(roundTrip(type, new float[256])).containsOnly(0f);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void encodingIsDeterministic(GgmlType type) {
        float[] x = gaussian(2048, 0.02, 5);
        assertThat(encode(type, x).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                .isEqualTo(encode(type, x).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    private static float[] roundTrip(GgmlType type, float[] x) {
        float[] y = new float[x.length];
        Dequantize.values("test", type, encode(type, x), 0, x.length, y, 0);
        return y;
    }

    private static MemorySegment encode(GgmlType type, float[] x) {
        MemorySegment data = Arena.ofAuto().allocate(type.bytesFor(x.length));
        Quantize.values(type, x, 0, x.length, data, 0);
        return data;
    }

    /** {@code rms(a − b) / rms(reference)}. */
    private static double relativeRms(float[] a, float[] b, float[] reference) {
        double difference = 0;
        double size = 0;
        for (int i = 0; i < a.length; i++) {
            difference += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
            size += reference[i] * (double) reference[i];
        }
        return Math.sqrt(difference / size);
    }

    private static float[] gaussian(int n, double std, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * std);
        }
        return x;
    }

    private static float[] filled(float value) {
        float[] x = new float[256];
        Arrays.fill(x, value);
        return x;
    }

    private static float[] withOutlier(float[] x, int at, float value) {
        x[at] = value;
        return x;
    }
}
