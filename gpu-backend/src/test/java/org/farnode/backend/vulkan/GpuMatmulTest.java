package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.farnode.backend.ops.RandomTensors.randomFloats;
import static org.farnode.backend.ops.RandomTensors.randomTensor;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
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
}
