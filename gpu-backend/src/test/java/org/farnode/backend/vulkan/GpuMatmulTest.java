package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.farnode.backend.ops.RandomTensors.randomFloats;
import static org.farnode.backend.ops.RandomTensors.randomTensor;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.farnode.backend.ops.RandomTensors;
import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vulkan matrix product against the reference implementation, on the real device this
 * machine has (lavapipe in CI), with the validation layer watching every call.
 *
 * <p>Tolerance: {@code 1e-5·Σ|w·x|} per output, as for the CPU kernels: the GPU sums in another
 * order (per block, then a tree across threads), so only rounding may differ.
 */
class GpuMatmulTest {
    private static final ReferenceOps REFERENCE = new ReferenceOps();
    @TempDir
    static Path shaderCache;
    private static VulkanInstance vulkan;
    private static VulkanDevice device;
    private static GpuMatmul matmul;

    @BeforeAll
    static void open() {
        vulkan = VulkanTestSupport.openValidated();
        device = VulkanDevice.open(vulkan.physicalDevices().getFirst());
        matmul = new GpuMatmul(device, new ShaderCompiler(shaderCache));
    }

    @AfterAll
    static void close() {
        if (vulkan == null) {
            return;
        }
        matmul.close();
        device.close();
        assertThat(vulkan.validationMessages()).as("validation layer messages").isEmpty();
        vulkan.close();
    }

    @ParameterizedTest(name = "{0}: {1} columns x {2} rows, batch {3}")
    @CsvSource({
            "F32, 1, 1, 1", "F32, 67, 5, 1", "F32, 2085, 3, 2", "F32, 256, 64, 5",
            "F16, 1, 3, 1", "F16, 67, 5, 1", "F16, 2085, 3, 3", "F16, 264, 17, 2",
            "Q8_0, 32, 1, 1", "Q8_0, 96, 7, 1", "Q8_0, 2048, 9, 2", "Q8_0, 5632, 3, 1", "Q8_0, 160, 67, 5",
            "Q4_0, 32, 1, 1", "Q4_0, 96, 7, 1", "Q4_0, 2048, 9, 2", "Q4_0, 5632, 3, 1", "Q4_0, 160, 67, 5",
            "F32, 67, 5, 17", "F16, 264, 3, 9", "Q8_0, 96, 7, 16", "Q4_0, 2048, 9, 9"})
    void matchesTheReference(GgmlType type, int columns, int rows, int batch) {
        Tensor w = randomTensor(type, columns, rows, 31L * columns + rows);
        float[] x = randomFloats(columns * batch, 7L * columns + batch);
        float[] expected = new float[rows * batch];
        REFERENCE.matmul(w, x, expected, batch);
        float[] actual = new float[rows * batch];
        try (GpuMatrix gpu = GpuMatrix.upload(device, w)) {
            matmul.multiply(gpu, x, actual, batch);
        }
        assertWithinRounding(w, x, expected, actual, batch);
    }

    @ParameterizedTest(name = "{0}: y += W x")
    @CsvSource({"F32", "F16", "Q8_0", "Q4_0"})
    void accumulateAddsTheProductToWhatTheOutputHeld(GgmlType type) {
        int columns = 96;
        int rows = 13;
        Tensor w = randomTensor(type, columns, rows, 3);
        float[] x = randomFloats(columns, 4);
        float[] held = randomFloats(rows, 5);
        float[] product = new float[rows];
        REFERENCE.matmul(w, x, product, 1);
        try (GpuMatrix gpu = GpuMatrix.upload(device, w);
             GpuBuffer input = GpuBuffer.hostVisible(device, 4L * gpu.xStride());
             GpuBuffer output = GpuBuffer.hostVisible(device, 4L * rows)) {
            MemorySegment.copy(x, 0, input.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, columns);
            MemorySegment.copy(held, 0, output.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, rows);
            long set = matmul.bind(gpu, input, output);
            device.submitAndWait(c -> matmul.record(c, gpu, set, 1, gpu.xStride(), rows, true));
            matmul.release(gpu, set);
            for (int r = 0; r < rows; r++) {
                float actual = output.mapped().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, r);
                assertThat((double) actual).as("row %d", r)
                        .isCloseTo(held[r] + product[r], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(product[r]))));
            }
        }
    }

    @ParameterizedTest(name = "{0} with {1} (threads x rows), {2} rows")
    @CsvSource({"F32, 8x1, 5", "F16, 8x1, 3", "Q8_0, 8x1, 7", "Q4_0, 8x1, 7",
            "F32, 32x3, 7", "F16, 32x3, 8", "Q8_0, 32x3, 10", "Q4_0, 32x3, 11",
            "F32, 128x8, 13", "F16, 128x8, 9", "Q8_0, 128x8, 17", "Q4_0, 256x16, 33"})
    void everyVectorShapeMatchesTheReference(GgmlType type, String shape, int rows) {
        int columns = type == GgmlType.F32 || type == GgmlType.F16 ? 1043 : 1056;
        Tensor w = randomTensor(type, columns, rows, 41L * columns + rows);
        float[] x = randomFloats(columns, 43L * rows);
        float[] expected = new float[rows];
        REFERENCE.matmul(w, x, expected, 1);
        float[] actual = new float[rows];
        try (GpuMatmul shaped = new GpuMatmul(device, new ShaderCompiler(shaderCache), 32, MatvecShape.parse(shape));
             GpuMatrix gpu = GpuMatrix.upload(device, w)) {
            shaped.multiply(gpu, x, actual, 1);
        }
        assertWithinRounding(w, x, expected, actual, 1);
    }

    @ParameterizedTest(name = "{0}: y += W swiglu(g, u) with u {1} floats after g")
    @CsvSource({"F32, 72", "F16, 80", "Q8_0, 96", "Q4_0, 104"})
    void swigluInputMatchesTheReference(GgmlType type, int upOffset) {
        int columns = type == GgmlType.F32 ? 67 : type == GgmlType.F16 ? 72 : 96;
        int rows = 11;
        Tensor w = randomTensor(type, columns, rows, 5);
        float[] gate = randomFloats(columns, 6);
        float[] up = randomFloats(columns, 7);
        float[] held = randomFloats(rows, 8);
        float[] activated = gate.clone();
        REFERENCE.swiglu(activated, up, columns);
        float[] product = new float[rows];
        REFERENCE.matmul(w, activated, product, 1);
        try (GpuMatrix gpu = GpuMatrix.upload(device, w);
             GpuBuffer input = GpuBuffer.hostVisible(device, 4L * (upOffset + columns));
             GpuBuffer output = GpuBuffer.hostVisible(device, 4L * rows)) {
            input.mapped().fill((byte) 0); // g is 0 past the columns, as the stacked product's zero rows leave it
            MemorySegment.copy(gate, 0, input.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, columns);
            MemorySegment.copy(up, 0, input.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 4L * upOffset, columns);
            MemorySegment.copy(held, 0, output.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, rows);
            long set = matmul.bind(gpu, input, output);
            device.submitAndWait(c -> matmul.recordOfSwiglu(c, gpu, set, upOffset, true));
            matmul.release(gpu, set);
            float[] row = new float[columns];
            for (int r = 0; r < rows; r++) {
                REFERENCE.readRow(w, r, row, 0);
                double magnitude = 0;
                for (int c = 0; c < columns; c++) {
                    magnitude += Math.abs((double) row[c] * activated[c]);
                }
                float actual = output.mapped().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, r);
                // silu uses the device's exp (a few ulp): 1e-5 of the magnitude covers it as for the other kernels
                assertThat((double) actual).as("row %d", r)
                        .isCloseTo(held[r] + product[r], org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-6 * Math.abs(held[r])));
            }
        }
    }

    @ParameterizedTest(name = "{0}: y = W (rmsnorm(x) g), {1} columns")
    @CsvSource({"F32, 67", "F16, 72", "F16, 2085", "Q8_0, 96", "Q8_0, 2048", "Q4_0, 160", "Q4_0, 5632"})
    void normedInputMatchesTheReference(GgmlType type, int columns) {
        int rows = 13;
        float epsilon = 1e-5f;
        Tensor w = randomTensor(type, columns, rows, 15);
        float[] x = randomFloats(columns, 16);
        float[] g = randomFloats(columns, 17);
        float[] normed = new float[columns];
        REFERENCE.rmsnorm(normed, x, RandomTensors.f32Vector("test.norm", g), columns, 1, epsilon);
        float[] expected = new float[rows];
        REFERENCE.matmul(w, normed, expected, 1);
        try (GpuMatrix gpu = GpuMatrix.upload(device, w);
             GpuBuffer input = GpuBuffer.hostVisible(device, 4L * gpu.xStride());
             GpuBuffer weight = GpuBuffer.hostVisible(device, 4L * gpu.xStride());
             GpuBuffer output = GpuBuffer.hostVisible(device, 4L * rows)) {
            input.mapped().fill((byte) 0);
            weight.mapped().fill((byte) 0);
            MemorySegment.copy(x, 0, input.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, columns);
            MemorySegment.copy(g, 0, weight.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, columns);
            long set = matmul.bindNormed(gpu, input, weight, output);
            device.submitAndWait(c -> matmul.recordNormed(c, gpu, set, epsilon, false));
            matmul.releaseNormed(gpu, set);
            float[] actual = new float[rows];
            MemorySegment.copy(output.mapped(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, actual, 0, rows);
            // the norm's scale is one more rounded factor (its sum of squares over the columns): within 1e-5 relative like rmsnorm's
            assertWithinRounding(w, normed, expected, actual, 1);
        }
    }

    @org.junit.jupiter.api.Test
    void aNormWeightShorterThanTheRowsIsRefused() {
        Tensor w = randomTensor(GgmlType.F32, 67, 3, 1);
        try (GpuMatrix gpu = GpuMatrix.upload(device, w); GpuBuffer small = GpuBuffer.hostVisible(device, 4L * 67);
             GpuBuffer io = GpuBuffer.hostVisible(device, 4L * 68)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> matmul.bindNormed(gpu, io, small, io))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("67 floats").hasMessageContaining("reads 68");
        }
    }

    @ParameterizedTest(name = "{0}: parts of 5, 3 and 9 rows in one product")
    @CsvSource({"F32", "F16", "Q8_0", "Q4_0"})
    void aStackedMatrixGivesEachPartsProductAtItsOffset(GgmlType type) {
        int columns = 64;
        Tensor[] parts = {randomTensor(type, columns, 5, 11), randomTensor(type, columns, 3, 12), randomTensor(type, columns, 9, 13)};
        int[] offsets = GpuMatrix.partOffsets(parts);
        assertThat(offsets).containsExactly(0, 8, 16, 32);
        float[] x = randomFloats(2 * columns, 14);
        float[] actual = new float[2 * 32];
        try (GpuMatrix stacked = GpuMatrix.stack(device, parts)) {
            assertThat(stacked.rows()).isEqualTo(32);
            matmul.multiply(stacked, x, actual, 2);
        }
        for (int p = 0; p < parts.length; p++) {
            int rows = parts[p].rows();
            float[] expected = new float[rows * 2];
            REFERENCE.matmul(parts[p], x, expected, 2);
            float[] got = new float[rows * 2];
            for (int b = 0; b < 2; b++) {
                System.arraycopy(actual, b * 32 + offsets[p], got, b * rows, rows);
                for (int r = offsets[p] + rows; r < offsets[p + 1]; r++) {
                    assertThat(actual[b * 32 + r]).as("padding row %d, vector %d", r, b).isZero();
                }
            }
            assertWithinRounding(parts[p], x, expected, got, 2);
        }
    }

    @org.junit.jupiter.api.Test
    void stackingPartsOfDifferentTypesIsRefusedWithTheirNames() {
        Tensor q = randomTensor(GgmlType.Q8_0, 64, 4, 1);
        Tensor k = randomTensor(GgmlType.Q4_0, 64, 4, 2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GpuMatrix.stack(device, q, k))
                .isInstanceOf(VulkanException.class)
                .hasMessageContaining(q.name()).hasMessageContaining("Q8_0").hasMessageContaining("Q4_0")
                .hasMessageContaining("--backend cpu");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void aKQuantMatrixIsRefusedWithItsNameAndType(GgmlType type) {
        Tensor w = RandomTensors.randomBlocks(type, 256, 4, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GpuMatrix.upload(device, w))
                .isInstanceOf(org.farnode.backend.tensor.UnsupportedTensorTypeException.class)
                .hasMessageContaining(w.name()).hasMessageContaining(type.name()).hasMessageContaining("Vulkan")
                .hasMessageContaining("--backend cpu");
    }

    /** Each output within {@code 1e-5·Σ|w·x|} of the reference's (see the class comment). */
    private static void assertWithinRounding(Tensor w, float[] x, float[] expected, float[] actual, int batch) {
        int rows = w.rows();
        int columns = w.columns();
        float[] row = new float[columns];
        for (int r = 0; r < rows; r++) {
            REFERENCE.readRow(w, r, row, 0);
            for (int b = 0; b < batch; b++) {
                double magnitude = 0;
                for (int c = 0; c < columns; c++) {
                    magnitude += Math.abs((double) row[c] * x[b * columns + c]);
                }
                assertThat((double) actual[b * rows + r]).as("row %d, vector %d", r, b)
                        .isCloseTo(expected[b * rows + r], org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-30));
            }
        }
    }
}
