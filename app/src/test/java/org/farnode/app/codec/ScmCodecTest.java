package org.farnode.app.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.HiddenStates;
import org.farnode.backend.ops.ActivationFormat;
import org.junit.jupiter.api.Test;

class ScmCodecTest {
    private static final int WIDTH = 40;
    private static final int OUTLIER = 5;

    /** Boundary 2: rank 3 on dimensions 0, 1 and 2 (rotated), dimension 5 sent exactly; boundary 4: rank 0. */
    private static ScmCodebook codebook() {
        float[] mean = new float[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            mean[j] = 0.25f * j;
        }
        float[] basis = new float[3 * WIDTH];
        double s = Math.sqrt(0.5);
        basis[0] = (float) s;
        basis[1] = (float) s;
        basis[WIDTH] = (float) s;
        basis[WIDTH + 1] = (float) -s;
        basis[2 * WIDTH + 2] = 1;
        return new ScmCodebook(new ModelId(new byte[32]), WIDTH, 0.99, List.of(
                new ScmBoundary(2, WIDTH, mean, new int[] {OUTLIER}, 3, basis, 0.99),
                new ScmBoundary(4, WIDTH, mean, new int[0], 0, new float[0], 0)));
    }

    private static ScmCodec codec(ActivationFormat format) {
        byte[] hash = new byte[32];
        hash[31] = 7;
        return new ScmCodec(codebook(), hash, format);
    }

    /** Vectors in the calibrated subspace around the mean, with any value in the outlier dimension. */
    private static HiddenStates inSubspace(int positions) {
        java.util.Random random = new java.util.Random(3);
        float[] values = new float[positions * WIDTH];
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < WIDTH; j++) {
                values[p * WIDTH + j] = 0.25f * j;
            }
            for (int j = 0; j < 3; j++) {
                values[p * WIDTH + j] += (float) random.nextGaussian();
            }
            values[p * WIDTH + OUTLIER] = 1000f * (p + 1);
        }
        return new HiddenStates(positions, WIDTH, values);
    }

    @Test
    void vectorsInTheCalibratedSubspaceComeBackWithinTheCoefficientsRounding() {
        HiddenStates states = inSubspace(3);
        for (ActivationFormat format : new ActivationFormat[] {ActivationFormat.INT8, ActivationFormat.INT4}) {
            ScmCodec codec = codec(format);
            byte[] bytes = codec.encode(states, 2);
            // per position: one exact outlier (4 bytes), then the 3 coefficients' scale (4 bytes) and quants
            long quants = format == ActivationFormat.INT8 ? 9 : 5;
            assertThat(bytes).hasSize((int) (3 * 4 + 3 * 4 + quants + ChecksummedCodec.CHECKSUM_BYTES));
            assertThat(codec.encodedBytes(3, WIDTH, 2)).isEqualTo(bytes.length);
            float[] back = codec.decode(bytes, 3, WIDTH, 2).values();
            double limit = format == ActivationFormat.INT8 ? 127 : 7;
            for (int p = 0; p < 3; p++) {
                assertThat(back[p * WIDTH + OUTLIER]).isEqualTo(1000f * (p + 1));
                double largest = 0;
                for (int j = 0; j < 3; j++) {
                    largest = Math.max(largest, Math.abs(states.values()[p * WIDTH + j] - 0.25f * j) * Math.sqrt(2));
                }
                // each coefficient is off by at most half its scale; an orthonormal basis keeps that norm
                double bound = Math.sqrt(3) * largest / limit / 2 + 1e-5;
                for (int j = 0; j < WIDTH; j++) {
                    assertThat((double) Math.abs(back[p * WIDTH + j] - states.values()[p * WIDTH + j]))
                            .as("%s position %d value %d", format, p, j).isLessThanOrEqualTo(j == OUTLIER ? 0 : bound);
                }
            }
        }
    }

    @Test
    void scm16SendsHalfPrecisionCoefficientsWithoutScales() {
        HiddenStates states = inSubspace(2);
        ScmCodec codec = codec(ActivationFormat.FP16);
        assertThat(codec.name()).isEqualTo("scm16");
        byte[] bytes = codec.encode(states, 2);
        assertThat(bytes).hasSize(2 * 4 + 2 * 3 * 2 + ChecksummedCodec.CHECKSUM_BYTES);
        float[] back = codec.decode(bytes, 2, WIDTH, 2).values();
        for (int i = 0; i < back.length; i++) {
            // a coefficient of at most ~3√2 rounded to half precision moves by at most 2^-11 of it
            assertThat((double) Math.abs(back[i] - states.values()[i])).as("value %d", i).isLessThanOrEqualTo(i % WIDTH == OUTLIER ? 0 : 6e-3);
        }
    }

    @Test
    void aWindowCodedJointlySharesEachBlocksScaleAcrossItsPositions() {
        HiddenStates states = inSubspace(5);
        for (ActivationFormat format : new ActivationFormat[] {ActivationFormat.INT8, ActivationFormat.INT4}) {
            ScmCodec joint = new ScmCodec(codebook(), new byte[32], format, true);
            ScmCodec perPosition = codec(format);
            assertThat(joint.name()).endsWith("w");
            long quants = format == ActivationFormat.INT8 ? 5 * 3 : (5 * 3 + 1) / 2;
            // 5 positions: one outlier each, then one scale for the window's 3 coefficients, not 5
            assertThat(joint.encodedBytes(5, WIDTH, 2)).isEqualTo(5 * 4 + 4 + quants + ChecksummedCodec.CHECKSUM_BYTES)
                    .isLessThan(perPosition.encodedBytes(5, WIDTH, 2));
            assertThat(joint.encodedBytes(1, WIDTH, 2)).isEqualTo(perPosition.encodedBytes(1, WIDTH, 2));
            float[] back = joint.decode(joint.encode(states, 2), 5, WIDTH, 2).values();
            double largest = 0;
            for (int p = 0; p < 5; p++) {
                for (int j = 0; j < 3; j++) {
                    largest = Math.max(largest, Math.abs(states.values()[p * WIDTH + j] - 0.25f * j) * Math.sqrt(2));
                }
            }
            double bound = Math.sqrt(3) * largest / format.limit() / 2 + 1e-5;
            for (int i = 0; i < back.length; i++) {
                assertThat((double) Math.abs(back[i] - states.values()[i])).as("%s value %d", format, i)
                        .isLessThanOrEqualTo(i % WIDTH == OUTLIER ? 0 : bound);
            }
        }
        assertThatThrownBy(() -> new ScmCodec(codebook(), new byte[32], ActivationFormat.FP16, true)).hasMessageContaining("window scales");
    }

    @Test
    void whatLiesOutsideTheSubspaceIsLostAndRankZeroSendsOnlyTheChecksum() {
        float[] values = new float[WIDTH];
        values[10] = 3f;
        ScmCodec codec = codec(ActivationFormat.INT8);
        float[] back = codec.decode(codec.encode(new HiddenStates(1, WIDTH, values), 2), 1, WIDTH, 2).values();
        assertThat(back[10]).isEqualTo(2.5f); // the mean there
        byte[] meanOnly = codec.encode(new HiddenStates(1, WIDTH, values), 4);
        assertThat(meanOnly).hasSize(ChecksummedCodec.CHECKSUM_BYTES);
        assertThat(codec.decode(meanOnly, 1, WIDTH, 4).values()).containsExactly(codebook().at(4).orElseThrow().mean());
    }

    @Test
    void coefficientsAreQuantizedRelativeToTheirDirectionsSpread() {
        // two directions, one 1000 times the other: divided by their deviations, the small one keeps its precision
        float[] basis = new float[2 * WIDTH];
        basis[0] = 1;
        basis[WIDTH + 1] = 1;
        float[] mean = new float[WIDTH];
        float[] values = new float[WIDTH];
        values[0] = 900f;
        values[1] = 0.7f;
        for (boolean scaled : new boolean[] {false, true}) {
            ScmBoundary boundary = scaled
                    ? new ScmBoundary(0, WIDTH, mean, new int[0], 2, basis, 1, new float[] {1000f, 1f})
                    : new ScmBoundary(0, WIDTH, mean, new int[0], 2, basis, 1);
            ScmCodec codec = new ScmCodec(new ScmCodebook(new ModelId(new byte[32]), WIDTH, 1, List.of(boundary)), new byte[32],
                    ActivationFormat.INT4);
            float[] back = codec.decode(codec.encode(new HiddenStates(1, WIDTH, values), 0), 1, WIDTH, 0).values();
            double smallError = Math.abs(back[1] - 0.7f);
            if (scaled) {
                assertThat(smallError).as("scaled by its deviation").isLessThan(0.1);
            } else {
                assertThat(smallError).as("one step of 900/7 for both").isGreaterThan(0.5);
            }
            assertThat((double) Math.abs(back[0] - 900f)).isLessThanOrEqualTo(900.0 / 7 / 2 + 1e-3);
        }
    }

    @Test
    void anUncalibratedBoundaryOrWidthIsAClearError() {
        ScmCodec codec = codec(ActivationFormat.INT4);
        assertThatThrownBy(() -> codec.encode(inSubspace(1), 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no projection for boundary 3").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> codec.encode(new HiddenStates(1, 8, new float[8]), 2))
                .hasMessageContaining("40 values, not 8");
    }

    @Test
    void aCorruptedPayloadIsRefused() {
        ScmCodec codec = codec(ActivationFormat.INT8);
        byte[] bytes = codec.encode(inSubspace(2), 2);
        bytes[6] ^= 1;
        assertThatThrownBy(() -> codec.decode(bytes, 2, WIDTH, 2)).hasMessageContaining("scm8").hasMessageContaining("corrupted");
    }

    /**
     * Boundary 4 (rank 0, no outliers) has an empty body: its payload is the same 4 bytes for any
     * window, so only the count of values limits the window. A count past 2^31 once wrapped
     * around into a negative array size (found by HiddenStateCodecFuzzTest).
     */
    @Test
    void aWindowOfMoreValuesThanAnArrayHoldsIsRefusedNotWrappedAround() {
        ScmCodec codec = codec(ActivationFormat.INT8);
        byte[] emptyBody = codec.encode(inSubspace(1), 4);
        assertThat(emptyBody).hasSize(ChecksummedCodec.CHECKSUM_BYTES);
        assertThat(codec.decode(emptyBody, 3, WIDTH, 4).values()).hasSize(3 * WIDTH);
        int tooMany = Integer.MAX_VALUE / WIDTH + 1;
        assertThatThrownBy(() -> codec.decode(emptyBody, tooMany, WIDTH, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a window of " + tooMany + " × " + WIDTH + " values is more than");
    }

    @Test
    void theScmCodecsExistOnlyWithACalibrationAndCarryItsHash() {
        byte[] hash = new byte[32];
        hash[0] = 9;
        Optional<CodecCalibration> calibration = Optional.of(new CodecCalibration(codebook(), hash));
        assertThat(HiddenStateCodecs.available(calibration)).extracting(HiddenStateCodec::name)
                .containsExactly("fp32", "fp16", "int8", "int4", "scm8", "scm4", "scm16", "scm8w", "scm4w");
        HiddenStateCodec scm4 = HiddenStateCodecs.byName("scm4", calibration);
        assertThat(scm4.id()).isEqualTo(ScmCodec.INT4_ID);
        assertThat(scm4.calibrationHash()).containsExactly(hash);
        assertThat(HiddenStateCodecs.byId(ScmCodec.INT8_ID, calibration)).isPresent();
        assertThat(HiddenStateCodecs.byId(ScmCodec.INT8_ID, Optional.empty())).isEmpty();
        assertThat(HiddenStateCodecs.needsCalibration(ScmCodec.INT8_ID)).isTrue();
        assertThat(HiddenStateCodecs.needsCalibration(BlockQuantizedCodec.INT8_ID)).isFalse();
    }
}
