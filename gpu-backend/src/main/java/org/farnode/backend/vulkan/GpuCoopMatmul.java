package org.farnode.backend.vulkan;

import java.util.EnumMap;
import java.util.Map;
import org.farnode.backend.tensor.GgmlType;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * The batched matrix product on the device's matrix units ({@code matmul_coop.comp}, one pipeline
 * per weight type): {@code y[b·yStride + r] = Σ_c W[r,c] · x[b·xStride + c]} ({@code +=} with
 * {@code accumulate}), the product {@link GpuMatmul} computes for a batch, with the same descriptor
 * sets and push constants, so a set from {@link GpuMatmul#bind} serves both.
 *
 * <p>Precision: weights (after dequantizing) and inputs are rounded to f16, their products summed
 * in f32. Rounding both factors moves each product by at most {@code 2·2^-10} of itself (whatever
 * the device's rounding mode), so an output differs from the f32 product by at most about
 * {@code 2e-3·Σ_c |W[r,c]·x[c]|}, plus f32 summation; inputs beyond ±65504 overflow f16.
 *
 * <p>Only for a device whose {@link VulkanDevice#cooperativeMatrix()} is present.
 */
public final class GpuCoopMatmul implements AutoCloseable {
    private final CooperativeMatrixShape shape;
    private final Tile tile;
    private final Map<GgmlType, ComputePipeline> pipelines = new EnumMap<>(GgmlType.class);

    /**
     * How a workgroup splits its tile: {@code rowSubgroups × vectorSubgroups} subgroups, each with
     * {@code rowFragments × vectorFragments} accumulators of the device's {@code m × n}, stepping
     * through the columns {@code stepBlocks} 32-value blocks at a time.
     */
    record Tile(int rowSubgroups, int vectorSubgroups, int rowFragments, int vectorFragments, int stepBlocks) {
        /**
         * 32 rows × 64 vectors with 16×16 matrices: eight subgroups of one accumulator each, 64
         * columns a step. The fastest (or within 1% of it) of the tiles {@code GpuCoopMatmulBenchmark}
         * compared on an H200 at batches 16 to 256: more workgroups, and more subgroups in each,
         * hide memory latency better than more accumulators per subgroup (64 × 64 with four
         * subgroups of 2 × 2 ran at half its speed or less).
         */
        static final Tile DEFAULT = new Tile(2, 4, 1, 1, 2);

        Tile {
            if (rowSubgroups < 1 || vectorSubgroups < 1 || rowFragments < 1 || vectorFragments < 1 || stepBlocks < 1) {
                throw new IllegalArgumentException("tile counts must be at least 1: " + this);
            }
        }

        int rows(CooperativeMatrixShape shape) {
            return rowSubgroups * rowFragments * shape.m();
        }

        int vectors(CooperativeMatrixShape shape) {
            return vectorSubgroups * vectorFragments * shape.n();
        }

        int threads(CooperativeMatrixShape shape) {
            return rowSubgroups * vectorSubgroups * shape.subgroupSize();
        }

        /** Staged f16 weights and inputs (rows padded by 8 halves), and one f32 accumulator per subgroup: see the shader. */
        int sharedBytes(CooperativeMatrixShape shape) {
            int pitch = 32 * stepBlocks + 8;
            return 2 * pitch * (rows(shape) + vectors(shape)) + 4 * rowSubgroups * vectorSubgroups * shape.m() * shape.n();
        }

        String[] defines(GgmlType type, CooperativeMatrixShape shape) {
            return new String[] {"WEIGHTS_" + type.name() + " 1", "COOP_M " + shape.m(), "COOP_N " + shape.n(),
                    "COOP_K " + shape.k(), "SUBGROUP_SIZE " + shape.subgroupSize(), "ROW_SUBGROUPS " + rowSubgroups,
                    "VECTOR_SUBGROUPS " + vectorSubgroups, "ROW_FRAGMENTS " + rowFragments,
                    "VECTOR_FRAGMENTS " + vectorFragments, "STEP " + 32 * stepBlocks};
        }

        @Override
        public String toString() {
            return rowSubgroups + "x" + vectorSubgroups + " subgroups of " + rowFragments + "x" + vectorFragments
                    + " accumulators, " + 32 * stepBlocks + " columns a step";
        }
    }

    /** The kernels for {@code device}'s cooperative-matrix shape, in the default tile. */
    public GpuCoopMatmul(VulkanDevice device, ShaderCompiler compiler) {
        this(device, compiler, Tile.DEFAULT);
    }

    GpuCoopMatmul(VulkanDevice device, ShaderCompiler compiler, Tile tile) {
        this.shape = device.cooperativeMatrix().orElseThrow(() -> new VulkanException(device.name()
                + " offers no cooperative matrices these kernels can use (f16 x f16 + f32 at subgroup scope, with "
                + "shaderFloat16, vulkanMemoryModel and one subgroup size); use GpuMatmul's portable kernels"));
        this.tile = tile;
        if (tile.threads(shape) > device.maxWorkgroupSizeX() || tile.sharedBytes(shape) > device.maxSharedMemoryBytes()) {
            throw new VulkanException("a cooperative matmul tile of " + tile + " needs " + tile.threads(shape) + " threads and "
                    + tile.sharedBytes(shape) + " bytes of shared memory; " + device.name() + " allows "
                    + device.maxWorkgroupSizeX() + " and " + device.maxSharedMemoryBytes());
        }
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            pipelines.put(type, new ComputePipeline(device, "matmul_coop " + type + " " + shape.m() + "x" + shape.n() + "x" + shape.k(),
                    spirv(compiler, type, shape, tile), 3, 8 * 4));
        }
    }

    /** SPIR-V of the kernel for {@code type}, {@code shape} and {@code tile}: compiling needs no device. */
    static byte[] spirv(ShaderCompiler compiler, GgmlType type, CooperativeMatrixShape shape, Tile tile) {
        return compiler.compile("matmul_coop", tile.defines(type, shape));
    }

    /**
     * Records {@code y[b·yStride + r] = Σ_c W[r,c] · x[b·xStride + c]} for {@code batch} vectors
     * ({@code +=} with {@code accumulate}); {@code xStride} must be at least {@link GpuMatrix#xStride()}
     * and a multiple of 4, {@code yStride} at least the rows. {@code set} binds W, x and y, from
     * {@link #bind} or {@link GpuMatmul#bind}.
     */
    public void record(VkCommandBuffer commands, GpuMatrix w, long set, int batch, int xStride, int yStride, boolean accumulate) {
        if (xStride < w.xStride() || xStride % 4 != 0 || yStride < w.rows()) {
            throw new IllegalArgumentException("strides x " + xStride + ", y " + yStride + " do not fit a " + w.type() + " matrix of "
                    + w.rows() + " x " + w.columns() + " (x stride at least " + w.xStride() + " and a multiple of 4, y stride at least the rows)");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        int[] constants = {w.rows(), w.columns(), w.xStride(), xStride, yStride, batch, w.scaleVectors(), accumulate ? 1 : 0};
        int rowTiles = (w.rows() + tile.rows(shape) - 1) / tile.rows(shape);
        int vectorTiles = (batch + tile.vectors(shape) - 1) / tile.vectors(shape);
        pipelines.get(w.type()).record(commands, set, constants, rowTiles, vectorTiles);
    }

    /** A descriptor set binding {@code w}'s weights, the input {@code x} and the output {@code y}. */
    public long bind(GpuMatrix w, GpuBuffer x, GpuBuffer y) {
        return pipelines.get(w.type()).bind(w.buffer(), x, y);
    }

    public void release(GpuMatrix w, long set) {
        pipelines.get(w.type()).release(set);
    }

    /** The device's matrix shape these kernels were built for. */
    public CooperativeMatrixShape shape() {
        return shape;
    }

    @Override
    public String toString() {
        return "cooperative matmul " + shape + ", " + tile;
    }

    @Override
    public void close() {
        pipelines.values().forEach(ComputePipeline::close);
    }
}
