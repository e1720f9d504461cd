package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.ops.ActivationQuantization;
import org.farnode.backend.ops.RandomTensors;
import org.farnode.backend.ops.SmallMatmul;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link GpuProjectionCodec} against its definition on the CPU ({@link SmallMatmul} for the
 * products, {@link ActivationQuantization} for the bytes), on this machine's device (lavapipe in
 * CI) with the validation layer watching.
 *
 * <p>Tolerances, from how the device differs from the reference: a coefficient is an f32 sum in
 * another order, within {@code 1e-5·Σ_j |E[i][j]·(h[j] − offset[j])|} of the double sum (as in
 * {@link GpuCodecKernelsTest}); its encoding is exact for the coefficient the device has, so a
 * decoded coefficient is within half a step of its own coefficient (half its block's scale for
 * INT8 and INT4, half a binary16 spacing for FP16) and the two decoded coefficients within the sum
 * of their half steps plus that difference: one step where a value sits on a rounding boundary.
 * Decoding the same bytes differs only in the product's rounding:
 * {@code 1e-5·(|offset[j]| + Σ_i |D[i][j]·c'[i]|)}.
 */
class GpuProjectionCodecTest {
    private static final double PRODUCT_TOLERANCE = 1e-5;
    private static final ValueLayout.OfFloat LITTLE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    @TempDir
    static Path shaderCache;
    private static VulkanInstance vulkan;
    private static VulkanDevice device;
    private static GpuProjectionCodec codec;

    @BeforeAll
    static void open() {
        vulkan = VulkanTestSupport.openValidated();
        device = VulkanDevice.open(vulkan.physicalDevices().getFirst());
        codec = new GpuProjectionCodec(device, new ShaderCompiler(shaderCache));
    }

    @AfterAll
    static void close() {
        if (vulkan == null) {
            return;
        }
        if (codec != null) {
            codec.close();
        }
        if (device != null) {
            device.close();
        }
        assertThat(vulkan.validationMessages()).as("validation layer messages").isEmpty();
        vulkan.close();
    }

    /** A projection's host copies, E and D unrelated so that a swap of the two would show. */
    private record Host(ActivationFormat format, int rows, int columns, float[] encode, float[] decode, float[] offset) {
        static Host random(ActivationFormat format, int rows, int columns, long seed) {
            return new Host(format, rows, columns, RandomTensors.randomFloats(rows * columns, seed),
                    RandomTensors.randomFloats(rows * columns, seed + 1), RandomTensors.randomFloats(columns, seed + 2));
        }

        GpuProjectionCodec.Projection upload() {
            return codec.upload(format, rows, columns, encode, decode, offset);
        }
    }

    @ParameterizedTest(name = "{0}: {1} x {2}, windows of {3}")
    @CsvSource({"INT8, 1, 1, 1", "INT8, 17, 64, 5", "INT4, 17, 64, 5", "INT8, 64, 300, 1", "INT4, 33, 300, 7", "INT8, 40, 96, 200",
            "INT4, 1, 300, 64", "FP16, 17, 64, 5", "FP16, 33, 300, 7"})
    void encodingIsTheReferencesQuantizationOfNearlyTheSameCoefficients(ActivationFormat format, int rows, int columns, int count) {
        Host host = Host.random(format, rows, columns, 31L * rows + columns);
        GpuProjectionCodec.Projection projection = host.upload();
        float[] x = RandomTensors.randomFloats(count * columns, 7L * count + columns);
        byte[] actual = encode(projection, x, count);
        float[] coefficients = new float[count * rows];
        SmallMatmul.project(host.encode, rows, columns, x, host.offset, coefficients, count);
        byte[] expected = new byte[(int) format.encodedBytes(rows, count)];
        ActivationQuantization.encode(format, coefficients, rows, count, MemorySegment.ofArray(expected));
        assertThat(actual).hasSize(expected.length);
        float[] actualBack = dequantize(format, actual, rows, count);
        float[] expectedBack = dequantize(format, expected, rows, count);
        int blocks = ActivationFormat.blocksPerPosition(rows);
        for (int p = 0; p < count; p++) {
            for (int i = 0; i < rows; i++) {
                int block = p * blocks + i / ActivationFormat.BLOCK;
                double steps = halfStep(format, actual, block, actualBack[p * rows + i])
                        + halfStep(format, expected, block, expectedBack[p * rows + i]);
                double magnitude = 0;
                for (int j = 0; j < columns; j++) {
                    magnitude += Math.abs(host.encode[i * columns + j] * ((double) x[p * columns + j] - host.offset[j]));
                }
                assertThat((double) actualBack[p * rows + i]).as("coefficient %d of vector %d", i, p)
                        .isCloseTo(expectedBack[p * rows + i], Offset.offset(steps + PRODUCT_TOLERANCE * magnitude + 1e-30));
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1} x {2}, windows of {3}")
    @CsvSource({"INT8, 1, 1, 1", "INT8, 17, 64, 5", "INT4, 17, 64, 5", "INT8, 64, 300, 1", "INT4, 33, 300, 7", "INT8, 40, 96, 200",
            "FP16, 17, 64, 5", "FP16, 33, 300, 7"})
    void decodingIsTheReconstructionOfTheReferenceCoefficients(ActivationFormat format, int rows, int columns, int count) {
        Host host = Host.random(format, rows, columns, 37L * rows + columns);
        GpuProjectionCodec.Projection projection = host.upload();
        float[] coefficients = RandomTensors.randomFloats(count * rows, 3L * count + rows);
        byte[] encoded = new byte[(int) format.encodedBytes(rows, count)];
        ActivationQuantization.encode(format, coefficients, rows, count, MemorySegment.ofArray(encoded));
        float[] dequantized = dequantize(format, encoded, rows, count);
        float[] expected = new float[count * columns];
        SmallMatmul.reconstruct(host.decode, rows, columns, dequantized, host.offset, expected, count);
        float[] actual = decode(projection, encoded, count);
        for (int p = 0; p < count; p++) {
            for (int j = 0; j < columns; j++) {
                double magnitude = Math.abs(host.offset[j]);
                for (int i = 0; i < rows; i++) {
                    magnitude += Math.abs((double) host.decode[i * columns + j] * dequantized[p * rows + i]);
                }
                assertThat((double) actual[p * columns + j]).as("value %d of vector %d", j, p)
                        .isCloseTo(expected[p * columns + j], Offset.offset(PRODUCT_TOLERANCE * magnitude + 1e-30));
            }
        }
    }

    @Test
    void projectionsOfTwoFormatsShareTheGrowingWindowAndKeepTheirOwnMatrices() {
        Host small = Host.random(ActivationFormat.FP16, 5, 40, 1);
        Host large = Host.random(ActivationFormat.INT4, 70, 130, 2);
        GpuProjectionCodec.Projection[] shared = {small.upload(), large.upload()};
        // The shared codec grows, shrinks and grows again, rebinding each time; a second codec sees the
        // largest window first and never regrows. Same device, same kernels: the same bits, or a binding is stale.
        int[] windows = {1, 3, 300, 2, 1000, 1};
        try (GpuProjectionCodec alone = new GpuProjectionCodec(device, new ShaderCompiler(shaderCache))) {
            Host[] hosts = {small, large};
            GpuProjectionCodec.Projection[] fresh = new GpuProjectionCodec.Projection[2];
            for (int h = 0; h < 2; h++) {
                fresh[h] = alone.upload(hosts[h].format, hosts[h].rows, hosts[h].columns, hosts[h].encode, hosts[h].decode, hosts[h].offset);
            }
            byte[][][] expectedBytes = new byte[2][windows.length][];
            float[][][] expectedBack = new float[2][windows.length][];
            for (int at : new int[] {4, 0, 1, 2, 3, 5}) { // the window of 1000 first
                int count = windows[at];
                for (int h = 0; h < 2; h++) {
                    float[] x = RandomTensors.randomFloats(count * hosts[h].columns, count + hosts[h].rows);
                    expectedBytes[h][at] = new byte[(int) fresh[h].encodedBytes(count)];
                    alone.encode(fresh[h], MemorySegment.ofArray(x), count, MemorySegment.ofArray(expectedBytes[h][at]));
                    expectedBack[h][at] = new float[count * hosts[h].columns];
                    alone.decode(fresh[h], MemorySegment.ofArray(expectedBytes[h][at]), count, MemorySegment.ofArray(expectedBack[h][at]));
                }
            }
            for (int w = 0; w < windows.length; w++) {
                int count = windows[w];
                for (int h = 0; h < 2; h++) {
                    float[] x = RandomTensors.randomFloats(count * hosts[h].columns, count + hosts[h].rows);
                    byte[] encoded = encode(shared[h], x, count);
                    assertThat(encoded).as("%d vectors of %d", count, hosts[h].columns).isEqualTo(expectedBytes[h][w]);
                    assertThat(decode(shared[h], encoded, count)).as("%d vectors of %d", count, hosts[h].columns)
                            .isEqualTo(expectedBack[h][w]);
                }
            }
        }
    }

    @Test
    void argumentsAreCheckedWithMessagesThatNameThem() {
        Host host = Host.random(ActivationFormat.INT8, 4, 8, 3);
        GpuProjectionCodec.Projection projection = host.upload();
        assertThatThrownBy(() -> codec.upload(ActivationFormat.INT8, 0, 8, host.encode, host.decode, host.offset))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 65535 rows and columns, got 0 x 8");
        assertThatThrownBy(() -> codec.upload(ActivationFormat.INT8, 4, 8, host.encode, new float[3], host.offset))
                .hasMessageContaining("decodeMatrix has 3 floats, needs 32");
        assertThatThrownBy(() -> encode(projection, new float[8], 0)).hasMessageContaining("holds 1 to 65535 vectors, got 0");
        assertThatThrownBy(() -> codec.encode(projection, MemorySegment.ofArray(new float[8]), 2, MemorySegment.ofArray(new byte[100])))
                .hasMessageContaining("vectors has 32 bytes, needs 64");
        assertThatThrownBy(() -> codec.decode(projection, MemorySegment.ofArray(new byte[3]), 1, MemorySegment.ofArray(new float[8])))
                .hasMessageContaining("encoded has 3 bytes, needs 8");
        try (GpuProjectionCodec other = new GpuProjectionCodec(device, new ShaderCompiler(shaderCache))) {
            assertThatThrownBy(() -> other.encode(projection, MemorySegment.ofArray(new float[8]), 1, MemorySegment.ofArray(new byte[8])))
                    .hasMessageContaining("uploaded to another codec");
        }
        assertThat(GpuProjectionCodec.maxWindow(1024, 4096)).isEqualTo(16384);
        assertThat(GpuProjectionCodec.maxWindow(1, 1)).isEqualTo(65535);
    }

    private static byte[] encode(GpuProjectionCodec.Projection projection, float[] x, int count) {
        byte[] encoded = new byte[(int) projection.encodedBytes(Math.max(1, count))];
        codec.encode(projection, MemorySegment.ofArray(x), count, MemorySegment.ofArray(encoded));
        return encoded;
    }

    private static float[] decode(GpuProjectionCodec.Projection projection, byte[] encoded, int count) {
        float[] vectors = new float[count * projection.columns()];
        codec.decode(projection, MemorySegment.ofArray(encoded), count, MemorySegment.ofArray(vectors));
        return vectors;
    }

    private static float[] dequantize(ActivationFormat format, byte[] encoded, int dim, int count) {
        float[] values = new float[dim * count];
        ActivationQuantization.decode(format, MemorySegment.ofArray(encoded), dim, count, values);
        return values;
    }

    /**
     * The most that encoding moved a coefficient that decodes to {@code decoded}: half the scale of
     * its block (number {@code block} over all positions) for INT8 and INT4, half the binary16
     * spacing at {@code decoded} for FP16.
     */
    static double halfStep(ActivationFormat format, byte[] encoded, int block, float decoded) {
        if (format.blockwise()) {
            return MemorySegment.ofArray(encoded).get(LITTLE_FLOAT, 4L * block) / 2;
        }
        int exponent = Math.max(Math.getExponent(decoded), -14); // binary16's subnormals are 2^-24 apart
        return Math.scalb(1.0, exponent - 10) / 2;
    }
}
