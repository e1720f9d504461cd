package org.farnode.app.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.testing.ValidatedVulkan;
import org.farnode.backend.Backend;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.vulkan.GpuProjectionCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GpuScmCodec} against {@link ScmCodec}, its reference, on this machine's Vulkan device
 * (lavapipe in CI) with the validation layer on: payloads of one size and format, each decodable
 * by the other codec.
 *
 * <p>Tolerance. The outliers are the same bytes. A coefficient is an f32 sum on the GPU and a
 * double sum rounded once on the CPU, so the two differ by at most {@code e_i = 1e-5·m_i}, m_i the
 * sum of the product's terms' sizes. Where the two codes agree, the decoded coefficients differ
 * only through the block's scale (by at most the block's largest e, scm8 and scm4) or not at all
 * (scm16); where a coefficient sat on a rounding boundary its codes may differ by one step, and the
 * decoded coefficients by {@code t_i = s_gpu/2 + s_cpu/2 + e_i} (s: the step, a block's scale or a
 * binary16 spacing); at most one code in 50 may differ. Decoded values are then within
 * {@code Σ_i |B_ij|·d_i·t_i} (and two roundings to f32). Decoding
 * the same payload on the GPU differs only in the f32 reconstruction's rounding,
 * {@code 1e-5·(|mean_j| + Σ_i |B_ij·d_i·c_i|)}, and gives the outliers exactly.
 */
class GpuScmCodecTest {
    private static final int BOUNDARY = 3;
    private static Backend gpu;
    private static GpuProjectionCodec device;

    @BeforeAll
    static void open() {
        gpu = ValidatedVulkan.openOrSkip(2);
        device = gpu.gpu().orElseThrow().projectionCodec();
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            assertThat(ValidatedVulkan.closeAndReport(gpu)).as("validation layer messages").isEmpty();
        }
    }

    /** A codebook with the boundary under test at {@link #BOUNDARY} and another beside it, and its codecs. */
    private record Codecs(ScmBoundary boundary, ScmCodec cpu, GpuScmCodec gpu) {
        static Codecs of(ActivationFormat format, ScmBoundary boundary) {
            ScmBoundary other = RandomCodebooks.boundary(0, boundary.width(), 5, 2, boundary.width() + 1);
            ScmCodebook codebook = new ScmCodebook(new ModelId(new byte[32]), boundary.width(), 0.99, List.of(other, boundary));
            byte[] hash = new byte[32];
            hash[0] = 42;
            ScmCodec cpu = new ScmCodec(codebook, hash, format);
            return new Codecs(boundary, cpu, new GpuScmCodec(cpu, device));
        }
    }

    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        for (ActivationFormat format : new ActivationFormat[] {ActivationFormat.INT8, ActivationFormat.INT4, ActivationFormat.FP16}) {
            for (int width : new int[] {64, 300}) {
                for (int rank : new int[] {0, 1, 17, 64}) {
                    for (int positions : new int[] {1, 5}) {
                        cases.add(Arguments.of(format, width, rank, positions));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: width {1}, rank {2}, {3} positions")
    @MethodSource("shapes")
    void payloadsHaveOneSizeAndDecodeWithEitherCodecWithinOneCodeStep(ActivationFormat format, int width, int rank, int positions) {
        long seed = 1000L * width + 10L * rank + positions;
        // a couple of outliers, where the rank leaves room: width 64 at rank 64 has none
        ScmBoundary boundary = RandomCodebooks.boundary(BOUNDARY, width, rank, Math.min(2, width - rank), seed);
        Codecs codecs = Codecs.of(format, boundary);
        HiddenStates states = RandomCodebooks.statesFor(boundary, positions, seed + 1);

        assertThat(codecs.gpu.encodedBytes(positions, width, BOUNDARY)).isEqualTo(codecs.cpu.encodedBytes(positions, width, BOUNDARY));
        assertThat(codecs.gpu.id()).isEqualTo(codecs.cpu.id());
        assertThat(codecs.gpu.name()).isEqualTo(codecs.cpu.name());
        assertThat(codecs.gpu.calibrationHash()).isEqualTo(codecs.cpu.calibrationHash());
        byte[] fromCpu = codecs.cpu.encode(states, BOUNDARY);
        byte[] fromGpu = codecs.gpu.encode(states, BOUNDARY);
        assertThat(fromGpu).hasSize(fromCpu.length);
        assertThat(ScmPayloads.outlierBytes(boundary, fromGpu, positions)).isEqualTo(ScmPayloads.outlierBytes(boundary, fromCpu, positions));

        double[] coefficientBounds = coefficientBounds(format, boundary, states, fromGpu, fromCpu);
        float[] reference = codecs.cpu.decode(fromCpu, positions, width, BOUNDARY).values();
        float[] cpuCoefficients = ScmPayloads.coefficients(format, boundary, fromCpu, positions);
        double[] encoding = ScmPayloads.throughDecoding(boundary, coefficientBounds, positions);
        double[] rounding = ScmPayloads.decodingRounding(boundary, cpuCoefficients, positions);
        double[] both = new double[encoding.length];
        Arrays.setAll(both, k -> encoding[k] + 2 * rounding[k]);

        assertWithin("GPU payload, CPU decoder", codecs.cpu.decode(fromGpu, positions, width, BOUNDARY).values(), reference, encoding,
                boundary);
        assertWithin("CPU payload, GPU decoder", codecs.gpu.decode(fromCpu, positions, width, BOUNDARY).values(), reference, rounding,
                boundary);
        assertWithin("GPU payload, GPU decoder", codecs.gpu.decode(fromGpu, positions, width, BOUNDARY).values(), reference, both,
                boundary);
    }

    /** Per coefficient, how far the two payloads' decoded coefficients may be apart (see the class comment), checked here too. */
    private static double[] coefficientBounds(ActivationFormat format, ScmBoundary boundary, HiddenStates states, byte[] fromGpu,
                                              byte[] fromCpu) {
        int positions = states.positions();
        double[] before = ScmPayloads.projectionMagnitudes(boundary, states);
        Arrays.setAll(before, k -> ScmPayloads.PRODUCT_TOLERANCE * before[k]);
        ScmPayloads.CoefficientComparison comparison = ScmPayloads.compare(format, boundary, fromGpu, fromCpu, before, positions);
        float[] gpuCoefficients = ScmPayloads.coefficients(format, boundary, fromGpu, positions);
        float[] cpuCoefficients = ScmPayloads.coefficients(format, boundary, fromCpu, positions);
        double[] bounds = comparison.bounds();
        for (int k = 0; k < bounds.length; k++) {
            assertThat((double) gpuCoefficients[k]).as("coefficient %d of position %d", k % boundary.rank(), k / boundary.rank())
                    .isCloseTo(cpuCoefficients[k], Offset.offset(bounds[k]));
        }
        // a code differs only where a coefficient sits at a rounding boundary: rarely
        assertThat(comparison.differing()).as("codes that differ, of %d", bounds.length).isLessThanOrEqualTo(1 + bounds.length / 50);
        return bounds;
    }

    private static void assertWithin(String what, float[] actual, float[] expected, double[] bounds, ScmBoundary boundary) {
        int width = boundary.width();
        int[] outliers = boundary.outliers();
        for (int k = 0; k < expected.length; k++) {
            if (Arrays.binarySearch(outliers, k % width) >= 0) {
                assertThat(actual[k]).as("%s: outlier %d of position %d", what, k % width, k / width).isEqualTo(expected[k]);
            } else {
                assertThat((double) actual[k]).as("%s: value %d of position %d", what, k % width, k / width)
                        .isCloseTo(expected[k], Offset.offset(bounds[k] + 2 * Math.ulp(expected[k])));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ActivationFormat.class)
    void aCorruptedOrTruncatedPayloadIsRefusedByBothDecoders(ActivationFormat format) {
        ScmBoundary boundary = RandomCodebooks.boundary(BOUNDARY, 300, 17, 2, 5);
        Codecs codecs = Codecs.of(format, boundary);
        byte[] payload = codecs.gpu.encode(RandomCodebooks.statesFor(boundary, 5, 6), BOUNDARY);
        for (int at : new int[] {3, 4 * 5 * 2 + 1, payload.length - 5, payload.length - 1}) { // outlier, coefficients, checksum
            byte[] corrupted = payload.clone();
            corrupted[at] ^= 0x10;
            for (HiddenStateCodec codec : List.of(codecs.cpu, codecs.gpu)) {
                assertThatThrownBy(() -> codec.decode(corrupted, 5, 300, BOUNDARY)).as("%s, byte %d flipped", codec.getClass(), at)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupted");
            }
        }
        byte[] truncated = Arrays.copyOf(payload, payload.length - 1);
        assertThatThrownBy(() -> codecs.gpu.decode(truncated, 5, 300, BOUNDARY)).hasMessageContaining("(truncated)");
    }

    @Test
    void eachBoundaryKeepsItsOwnMatricesAcrossInterleavedWindows() {
        ScmBoundary wide = RandomCodebooks.boundary(BOUNDARY, 64, 40, 2, 9);
        Codecs codecs = Codecs.of(ActivationFormat.INT8, wide);
        ScmBoundary other = codecs.cpu.codebook().at(0).orElseThrow();
        HiddenStates atWide = RandomCodebooks.statesFor(wide, 3, 10);
        HiddenStates atOther = RandomCodebooks.statesFor(other, 7, 11);
        byte[] first = codecs.gpu.encode(atWide, BOUNDARY);
        byte[] otherFirst = codecs.gpu.encode(atOther, 0);
        assertThat(codecs.gpu.encode(atWide, BOUNDARY)).isEqualTo(first);
        assertThat(codecs.gpu.encode(atOther, 0)).isEqualTo(otherFirst);
        assertThat(codecs.gpu.decode(first, 3, 64, BOUNDARY).values()).isEqualTo(codecs.gpu.decode(first, 3, 64, BOUNDARY).values());
        assertThat(otherFirst).hasSize((int) codecs.cpu.encodedBytes(7, 64, 0));
    }

    @Test
    void aWindowBeyondTheKernelsLimitsIsCodedByTheCpuReference() {
        ScmBoundary boundary = RandomCodebooks.boundary(BOUNDARY, 64, 1, 2, 15);
        Codecs codecs = Codecs.of(ActivationFormat.INT8, boundary);
        int positions = GpuProjectionCodec.maxWindow(1, 64) + 1; // one product takes at most 65535 vectors
        HiddenStates states = RandomCodebooks.statesFor(boundary, positions, 16);
        byte[] payload = codecs.gpu.encode(states, BOUNDARY);
        assertThat(payload).isEqualTo(codecs.cpu.encode(states, BOUNDARY));
        assertThat(codecs.gpu.decode(payload, positions, 64, BOUNDARY).values())
                .isEqualTo(codecs.cpu.decode(payload, positions, 64, BOUNDARY).values());
    }

    @Test
    void whatTheCpuCodecRefusesTheGpuCodecRefuses() {
        Codecs codecs = Codecs.of(ActivationFormat.INT8, RandomCodebooks.boundary(BOUNDARY, 64, 17, 2, 12));
        float[] values = RandomCodebooks.statesFor(codecs.boundary, 2, 13).values();
        values[64 + 30] = Float.NaN;
        HiddenStates withNaN = new HiddenStates(2, 64, values);
        assertThatThrownBy(() -> codecs.cpu.encode(withNaN, BOUNDARY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codecs.gpu.encode(withNaN, BOUNDARY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value NaN (position 1 of the window, index 30) cannot be encoded");
        // one direction e_0 of deviation 1/2: a coefficient of 2·3e38 overflows f32 in both codecs
        float[] basis = new float[64];
        basis[0] = 1;
        ScmBoundary axis = new ScmBoundary(BOUNDARY, 64, new float[64], new int[0], 1, basis, 1, new float[] {0.5f});
        Codecs overflowing = Codecs.of(ActivationFormat.INT8, axis);
        float[] huge = new float[64];
        huge[0] = 3e38f;
        HiddenStates state = new HiddenStates(1, 64, huge);
        assertThatThrownBy(() -> overflowing.cpu.encode(state, BOUNDARY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> overflowing.gpu.encode(state, BOUNDARY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coefficients of position 0 of the window overflow f32");
        huge[0] = 1e5f; // a coefficient of 2e5, beyond binary16: scm16 on the GPU refuses it rather than send infinity
        Codecs half = Codecs.of(ActivationFormat.FP16, axis);
        assertThatThrownBy(() -> half.gpu.encode(new HiddenStates(1, 64, huge), BOUNDARY))
                .hasMessageContaining("coefficients of position 0 of the window overflow binary16");
        assertThatThrownBy(() -> codecs.gpu.encode(new HiddenStates(1, 8, new float[8]), BOUNDARY)).hasMessageContaining("64 values, not 8");
        assertThatThrownBy(() -> codecs.gpu.encode(new HiddenStates(1, 64, new float[64]), 2)).hasMessageContaining("no projection for boundary 2");
    }

    @Test
    void aNodeRunsItsScmSessionsOnTheGpuWhenItHasOneAndSaysSo() {
        ScmBoundary boundary = RandomCodebooks.boundary(BOUNDARY, 64, 17, 2, 14);
        ScmCodebook codebook = new ScmCodebook(new ModelId(new byte[32]), 64, 0.99, List.of(boundary));
        byte[] hash = new byte[32];
        hash[5] = 1;
        Optional<CodecCalibration> calibration = Optional.of(new CodecCalibration(codebook, hash));
        CodecPlacement onGpu = CodecPlacement.on(gpu, calibration);
        assertThat(onGpu.description()).startsWith("SCM codecs (scm8, scm4, scm16) projected and coded on the GPU, llvmpipe");
        List<String> placedOnGpu = new ArrayList<>();
        for (HiddenStateCodec codec : HiddenStateCodecs.available(calibration)) {
            HiddenStateCodec placed = onGpu.place(codec);
            if (GpuScmCodec.supports(codec)) {
                assertThat(placed).isInstanceOf(GpuScmCodec.class);
                assertThat(placed.id()).isEqualTo(codec.id());
                placedOnGpu.add(placed.name());
            } else {
                assertThat(placed).isSameAs(codec);
            }
        }
        assertThat(placedOnGpu).containsExactly("scm8", "scm4", "scm16");
        ScmCodec anotherCodebook = new ScmCodec(codebook, new byte[32], ActivationFormat.INT8);
        assertThat(onGpu.place(anotherCodebook)).isSameAs(anotherCodebook);

        try (Backend cpu = Backend.cpu(1)) {
            CodecPlacement onCpu = CodecPlacement.on(cpu, calibration);
            assertThat(onCpu.description()).startsWith("SCM codecs (scm8, scm4, scm16").endsWith(") on the CPU: the backend has no GPU");
            ScmCodec scm8 = (ScmCodec) HiddenStateCodecs.byName("scm8", calibration);
            assertThat(onCpu.place(scm8)).isSameAs(scm8);
        }
        assertThat(CodecPlacement.on(gpu, Optional.empty()).description()).isEqualTo("hidden-state codecs on the CPU");
    }
}
