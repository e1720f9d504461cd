package org.farnode.app.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.shard.HiddenStates;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.ops.ActivationQuantization;

/**
 * Reads an SCM payload's parts (outliers, coded coefficients) and computes the bounds the GPU
 * codec tests hold two payloads or two decodings to. A payload is
 * {@code positions × outliers} f32, then the coefficients in {@link ActivationQuantization}'s
 * layout for {@code positions × rank} values, then the CRC-32C (see {@link ScmCodec}).
 */
public final class ScmPayloads {
    /** Relative rounding of an f32 product of at most a few hundred terms against one rounded once (as in the kernel tests). */
    public static final double PRODUCT_TOLERANCE = 1e-5;
    private static final ValueLayout.OfFloat LITTLE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScmPayloads() {
    }

    /** The format an SCM codec codes its coefficients in. */
    public static ActivationFormat format(HiddenStateCodec codec) {
        return switch (codec.id()) {
            case ScmCodec.INT8_ID -> ActivationFormat.INT8;
            case ScmCodec.INT4_ID -> ActivationFormat.INT4;
            case ScmCodec.FP16_ID -> ActivationFormat.FP16;
            default -> throw new IllegalArgumentException(codec.name() + " is not an SCM codec");
        };
    }

    /** The outlier values, as bytes. */
    public static byte[] outlierBytes(ScmBoundary boundary, byte[] payload, int positions) {
        return Arrays.copyOf(payload, 4 * positions * boundary.outliers().length);
    }

    /** The coded coefficients, as bytes. */
    public static byte[] coefficientBytes(ActivationFormat format, ScmBoundary boundary, byte[] payload, int positions) {
        int from = 4 * positions * boundary.outliers().length;
        return Arrays.copyOfRange(payload, from, from + (int) format.encodedBytes(boundary.rank(), positions));
    }

    /** The coefficients as the decoder reads them ({@code positions × rank}). */
    public static float[] coefficients(ActivationFormat format, ScmBoundary boundary, byte[] payload, int positions) {
        float[] values = new float[positions * boundary.rank()];
        if (values.length == 0) {
            return values;
        }
        ActivationQuantization.decode(format, MemorySegment.ofArray(coefficientBytes(format, boundary, payload, positions)),
                boundary.rank(), positions, values);
        return values;
    }

    /**
     * Per coefficient its code without the scale: the quant (INT8, INT4) or the binary16 bits
     * (FP16). Two encodings whose coefficients differ in their last bits have the same codes except
     * where a coefficient sits at a rounding boundary; the scales differ in their last bits anyway.
     */
    public static int[] codes(ActivationFormat format, ScmBoundary boundary, byte[] payload, int positions) {
        int n = positions * boundary.rank();
        byte[] coded = coefficientBytes(format, boundary, payload, positions);
        int quants = (int) format.scaleBytes(boundary.rank(), positions);
        int[] codes = new int[n];
        for (int k = 0; k < n; k++) {
            codes[k] = switch (format) {
                case INT8 -> coded[quants + k];
                case INT4 -> (coded[quants + k / 2] >> (4 * (k % 2))) & 0xF;
                case FP16 -> (coded[2 * k] & 0xFF) | (coded[2 * k + 1] & 0xFF) << 8;
            };
        }
        return codes;
    }

    /**
     * Per coefficient, the most its coding moved it: half its block's scale for INT8 and INT4,
     * half the binary16 spacing at the decoded value for FP16.
     */
    public static double[] halfSteps(ActivationFormat format, ScmBoundary boundary, byte[] payload, int positions) {
        int rank = boundary.rank();
        byte[] coded = coefficientBytes(format, boundary, payload, positions);
        float[] decoded = coefficients(format, boundary, payload, positions);
        int blocks = ActivationFormat.blocksPerPosition(rank);
        double[] steps = new double[positions * rank];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < rank; i++) {
                if (format.blockwise()) {
                    steps[p * rank + i] = MemorySegment.ofArray(coded).get(LITTLE_FLOAT, 4L * (p * blocks + i / ActivationFormat.BLOCK)) / 2;
                } else {
                    int exponent = Math.max(Math.getExponent(decoded[p * rank + i]), -14); // binary16 subnormals are 2^-24 apart
                    steps[p * rank + i] = Math.scalb(1.0, exponent - 10) / 2;
                }
            }
        }
        return steps;
    }

    /**
     * How two payloads' coded coefficients compare: per coefficient, the bound its two decodings
     * are held to, and how many codes differ.
     */
    public record CoefficientComparison(double[] bounds, int differing) {
    }

    /**
     * Compares the coefficients of payloads {@code a} and {@code b} of one window, whose
     * coefficients before coding were at most {@code before[k]} apart, and returns the bound each
     * pair of decoded coefficients is held to:
     * <ul>
     * <li>equal codes: INT8 and INT4 differ only through their block's scale, which moved with the
     *     block's largest coefficient: at most the block's largest {@code before} (a quant is at
     *     most L, a scale 1/L of the largest) and the products' rounding; FP16 not at all;</li>
     * <li>differing codes (a coefficient at a rounding boundary): one step, both half steps and
     *     {@code before}; INT8 and INT4 quants must then be neighbours.</li>
     * </ul>
     */
    public static CoefficientComparison compare(ActivationFormat format, ScmBoundary boundary, byte[] a, byte[] b, double[] before,
                                                int positions) {
        int rank = boundary.rank();
        int[] codesA = codes(format, boundary, a, positions);
        int[] codesB = codes(format, boundary, b, positions);
        double[] stepsA = halfSteps(format, boundary, a, positions);
        double[] stepsB = halfSteps(format, boundary, b, positions);
        float[] decoded = coefficients(format, boundary, b, positions);
        double[] bounds = new double[codesA.length];
        int differing = 0;
        for (int k = 0; k < bounds.length; k++) {
            if (codesA[k] != codesB[k]) {
                differing++;
                if (format.blockwise() && Math.abs(signed(format, codesA[k]) - signed(format, codesB[k])) != 1) {
                    throw new AssertionError("coefficient " + k % rank + " of position " + k / rank + " is coded " + signed(format, codesA[k])
                            + " and " + signed(format, codesB[k]) + ": more than one step apart");
                }
                bounds[k] = stepsA[k] + stepsB[k] + before[k];
            } else if (format.blockwise()) {
                int blockStart = k / rank * rank + (k % rank) / ActivationFormat.BLOCK * ActivationFormat.BLOCK;
                int blockEnd = Math.min(k / rank * rank + rank, blockStart + ActivationFormat.BLOCK);
                double largest = Arrays.stream(before, blockStart, blockEnd).max().orElseThrow();
                double absmax = 2 * stepsB[k] * format.limit();
                bounds[k] = largest * 1.000001 + 2 * Math.ulp((float) absmax) + 2 * Math.ulp(decoded[k]);
            }
        }
        return new CoefficientComparison(bounds, differing);
    }

    private static int signed(ActivationFormat format, int code) {
        return format == ActivationFormat.INT4 ? code << 28 >> 28 : code;
    }

    /** What a coefficient is divided by before coding: its deviation, 1 where that is 0 (as {@link ScmCodec}). */
    public static double[] scales(ScmBoundary boundary) {
        float[] deviations = boundary.deviations();
        double[] scales = new double[deviations.length];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = deviations[i] > 0 ? deviations[i] : 1;
        }
        return scales;
    }

    /** Per coefficient, {@code Σ_j |B_ij·(h_j − mean_j)| / d_i}: the size of the sum an f32 product rounds. */
    public static double[] projectionMagnitudes(ScmBoundary boundary, HiddenStates states) {
        int rank = boundary.rank();
        int width = boundary.width();
        float[] basis = boundary.basis();
        float[] mean = boundary.mean();
        double[] scales = scales(boundary);
        double[] magnitudes = new double[states.positions() * rank];
        for (int p = 0; p < states.positions(); p++) {
            for (int i = 0; i < rank; i++) {
                double sum = 0;
                for (int j = 0; j < width; j++) {
                    sum += Math.abs(basis[i * width + j] * ((double) states.values()[p * width + j] - mean[j]));
                }
                magnitudes[p * rank + i] = sum / scales[i];
            }
        }
        return magnitudes;
    }

    /** Per value, {@code Σ_i |B_ij|·d_i·bound_i}: how far decoded values may be apart when coefficient i may be {@code bound_i} apart. */
    public static double[] throughDecoding(ScmBoundary boundary, double[] coefficientBounds, int positions) {
        int rank = boundary.rank();
        int width = boundary.width();
        float[] basis = boundary.basis();
        double[] scales = scales(boundary);
        double[] bounds = new double[positions * width];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < rank; i++) {
                double weight = scales[i] * coefficientBounds[p * rank + i];
                for (int j = 0; j < width; j++) {
                    bounds[p * width + j] += Math.abs(basis[i * width + j]) * weight;
                }
            }
        }
        return bounds;
    }

    /** Per value, {@link #PRODUCT_TOLERANCE} of {@code |mean_j| + Σ_i |B_ij·d_i·c_i|}: the rounding of an f32 decoding. */
    public static double[] decodingRounding(ScmBoundary boundary, float[] coefficients, int positions) {
        int rank = boundary.rank();
        int width = boundary.width();
        float[] basis = boundary.basis();
        float[] mean = boundary.mean();
        double[] scales = scales(boundary);
        double[] bounds = new double[positions * width];
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < width; j++) {
                double sum = Math.abs(mean[j]);
                for (int i = 0; i < rank; i++) {
                    sum += Math.abs(basis[i * width + j] * scales[i] * coefficients[p * rank + i]);
                }
                bounds[p * width + j] = PRODUCT_TOLERANCE * sum;
            }
        }
        return bounds;
    }
}
