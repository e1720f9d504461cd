package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Path;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code matmul_coop.comp} compiles for every weight type and for the shapes devices offer, on any
 * machine (shaderc needs no GPU), so a device with cooperative matrices never meets a shader that
 * does not build.
 */
class GpuCoopMatmulShaderTest {
    private static final int SPIRV_MAGIC = 0x07230203;
    private static final int OP_CAPABILITY = 17;
    private static final int CAPABILITY_COOPERATIVE_MATRIX = 6022;
    @TempDir
    static Path shaderCache;

    /** Every type in the default tile, other shapes and subgroup sizes, and the tiles GpuCoopMatmulBenchmark compares. */
    @ParameterizedTest(name = "{0}, {1}x{2}x{3}, subgroups of {4}, tile {5}x{6} subgroups of {7}x{8}, {9} blocks a step")
    @CsvSource({
            "F32, 16, 16, 16, 32, 2, 4, 1, 1, 2", "F16, 16, 16, 16, 32, 2, 4, 1, 1, 2",
            "Q8_0, 16, 16, 16, 32, 2, 4, 1, 1, 2", "Q4_0, 16, 16, 16, 32, 2, 4, 1, 1, 2",
            "Q8_0, 16, 8, 16, 32, 2, 2, 2, 2, 1", "Q4_0, 16, 8, 16, 32, 2, 2, 2, 2, 1", "F16, 16, 8, 8, 32, 2, 2, 2, 2, 1",
            "Q8_0, 16, 16, 16, 64, 2, 2, 2, 2, 2", "Q4_0, 16, 16, 16, 32, 2, 2, 2, 2, 4", "Q8_0, 16, 16, 16, 32, 2, 2, 1, 2, 4",
            "F32, 16, 16, 16, 32, 1, 4, 1, 1, 4", "F16, 16, 16, 16, 32, 4, 1, 1, 4, 2", "Q8_0, 16, 16, 16, 32, 2, 2, 2, 2, 2",
            "Q4_0, 16, 16, 16, 32, 2, 2, 1, 1, 2", "Q8_0, 16, 16, 16, 32, 4, 2, 1, 1, 2", "Q4_0, 16, 16, 16, 32, 8, 1, 1, 1, 2",
            "F16, 16, 16, 16, 32, 2, 4, 1, 1, 1"})
    void compilesToCooperativeMatrixSpirv(GgmlType type, int m, int n, int k, int subgroupSize, int rowSubgroups,
                                          int vectorSubgroups, int rowFragments, int vectorFragments, int stepBlocks) {
        CooperativeMatrixShape shape = new CooperativeMatrixShape(m, n, k, subgroupSize);
        byte[] spirv = GpuCoopMatmul.spirv(new ShaderCompiler(shaderCache), type, shape,
                new GpuCoopMatmul.Tile(rowSubgroups, vectorSubgroups, rowFragments, vectorFragments, stepBlocks));
        IntBuffer words = ByteBuffer.wrap(spirv).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        assertThat(words.get(0)).as("SPIR-V magic number").isEqualTo(SPIRV_MAGIC);
        assertThat(capabilities(words)).as("declared capabilities").contains(CAPABILITY_COOPERATIVE_MATRIX);
    }

    /** The operands of the module's OpCapability instructions (they come first, after the 5-word header). */
    private static java.util.List<Integer> capabilities(IntBuffer words) {
        java.util.List<Integer> found = new java.util.ArrayList<>();
        int at = 5;
        while (at < words.limit()) {
            int opcode = words.get(at) & 0xffff;
            int length = words.get(at) >>> 16;
            if (opcode == OP_CAPABILITY) {
                found.add(words.get(at + 1));
            }
            if (length == 0) {
                break;
            }
            at += length;
        }
        return found;
    }
}
