package org.farnode.backend.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.Map;
import org.farnode.backend.tensor.GgmlType;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * The matrix product kernels, one pipeline per weight type: {@code matvec.comp} for one vector,
 * {@code matmul.comp} for a batch, and {@link GpuCoopMatmul} for batches of at least
 * {@link #COOPERATIVE_MIN_BATCH} where the device has cooperative matrices:
 * {@code y[b·R + r] = Σ_c W[r,c] · x[b·S + c]} with {@code S = } {@link GpuMatrix#xStride()}.
 */
public final class GpuMatmul implements AutoCloseable {
    private static final int MAX_GROUPS = 65535;
    private final VulkanDevice device;
    /** Vectors a workgroup multiplies at once in a batch: each decoded weight serves all of them. */
    static final int BATCH_TILE = 8;
    private final MatvecShape vectorShape;
    /** System property that turns the cooperative-matrix path off ({@code false}), e.g. to compare products bit for bit. */
    public static final String COOPERATIVE_PROPERTY = "far.vulkan.coop";
    /**
     * Batches at least this large run on cooperative matrices where the device has them: on an H200
     * a batch of 16 ran slower that way than on the portable kernel, 32 and more faster (docs/performance.md).
     */
    static final int COOPERATIVE_MIN_BATCH = 32;
    /** The batched product on the device's matrix units, or null where it has none (or it is turned off). */
    private final GpuCoopMatmul cooperative;
    /** One vector ({@code matvec.comp}): the decode step. */
    private final Map<GgmlType, ComputePipeline> vectorPipelines = new EnumMap<>(GgmlType.class);
    /** One vector whose input is RMSNorm of x times a weight. */
    private final Map<GgmlType, ComputePipeline> normedPipelines = new EnumMap<>(GgmlType.class);
    /** One vector whose input is SwiGLU of a stacked gate/up product. */
    private final Map<GgmlType, ComputePipeline> swigluPipelines = new EnumMap<>(GgmlType.class);
    private final Map<GgmlType, ComputePipeline> batchPipelines = new EnumMap<>(GgmlType.class);

    /** Kernels with 32 threads per row for batches, and the vector kernel's default shape (see {@link MatvecShape#configured()}). */
    public GpuMatmul(VulkanDevice device, ShaderCompiler compiler) {
        this(device, compiler, 32, MatvecShape.configured());
    }

    /**
     * Kernels with {@code threadsPerRow} threads (a power of two, 8 to 1024) sharing each row of a
     * batched product, and the single-vector kernel in {@code vectorShape}.
     */
    public GpuMatmul(VulkanDevice device, ShaderCompiler compiler, int threadsPerRow, MatvecShape vectorShape) {
        if (threadsPerRow < 8 || threadsPerRow > 1024 || Integer.bitCount(threadsPerRow) != 1) {
            throw new IllegalArgumentException("threads per row must be a power of two from 8 to 1024, got " + threadsPerRow);
        }
        DeviceInfo info = PhysicalDeviceProbe.read(device.physical(), 0); // the index is not used here
        if (!info.compute().subgroupArithmetic()) {
            throw new VulkanException(device.name() + " cannot add across subgroups in compute shaders "
                    + "(no subgroup arithmetic), which the matrix kernels need; use the CPU backend");
        }
        this.device = device;
        this.vectorShape = vectorShape;
        boolean allowed = !"false".equalsIgnoreCase(System.getProperty(COOPERATIVE_PROPERTY));
        this.cooperative = allowed && device.cooperativeMatrix().isPresent() ? new GpuCoopMatmul(device, compiler) : null;
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            String weights = "WEIGHTS_" + type.name() + " 1";
            String[] shape = {"WORKGROUP " + vectorShape.threads(), "ROWS " + vectorShape.rows()};
            vectorPipelines.put(type, new ComputePipeline(device, "matvec " + type,
                    compiler.compile("matvec", weights, shape[0], shape[1]), 3, 8 * 4));
            normedPipelines.put(type, new ComputePipeline(device, "matvec " + type + " of rmsnorm",
                    compiler.compile("matvec", weights, shape[0], shape[1], "NORM_INPUT 1"), 4, 8 * 4));
            swigluPipelines.put(type, new ComputePipeline(device, "matvec " + type + " of swiglu",
                    compiler.compile("matvec", weights, shape[0], shape[1], "SWIGLU_INPUT 1"), 3, 8 * 4));
            byte[] tiled = compiler.compile("matmul", weights, "WORKGROUP " + threadsPerRow, "TILE " + BATCH_TILE);
            batchPipelines.put(type, new ComputePipeline(device, "matmul " + type + " x" + BATCH_TILE, tiled, 3, 8 * 4));
        }
    }

    /** Records {@code y = W·x} for {@code batch} vectors packed at {@link GpuMatrix#xStride()} and rows apart. */
    public void record(VkCommandBuffer commands, GpuMatrix w, long set, int batch) {
        record(commands, w, set, batch, w.xStride(), w.rows());
    }

    /**
     * Records {@code y[b·yStride + r] = Σ_c W[r,c] · x[b·xStride + c]}; {@code xStride} must be at
     * least {@link GpuMatrix#xStride()} and a multiple of 8, with zeros between the columns and it.
     */
    public void record(VkCommandBuffer commands, GpuMatrix w, long set, int batch, int xStride, int yStride) {
        record(commands, w, set, batch, xStride, yStride, false);
    }

    /** As {@link #record(VkCommandBuffer, GpuMatrix, long, int, int, int)}; with {@code accumulate}, {@code y += W·x}. */
    public void record(VkCommandBuffer commands, GpuMatrix w, long set, int batch, int xStride, int yStride, boolean accumulate) {
        if (xStride < w.xStride() || xStride % 4 != 0 || (w.type() == GgmlType.F16 && xStride % 8 != 0) || yStride < w.rows()) {
            throw new IllegalArgumentException("strides x " + xStride + ", y " + yStride + " do not fit a " + w.type() + " matrix of "
                    + w.rows() + " x " + w.columns() + " (x stride at least " + w.xStride() + " and a multiple of 8, y stride at least the rows)");
        }
        if (w.rows() > MAX_GROUPS || batch > MAX_GROUPS) {
            throw new IllegalArgumentException("matmul dispatches one workgroup per row and vector: at most " + MAX_GROUPS
                    + " of each, got " + w.rows() + " rows and " + batch + " vectors");
        }
        int[] constants = {w.rows(), w.columns(), w.xStride(), xStride, yStride, batch, w.scaleVectors(), accumulate ? 1 : 0};
        if (batch == 1) {
            vectorPipelines.get(w.type()).record(commands, set, constants, vectorShape.groups(w.rows()), 1);
        } else if (cooperative != null && batch >= COOPERATIVE_MIN_BATCH) {
            cooperative.record(commands, w, set, batch, xStride, yStride, accumulate);
        } else {
            batchPipelines.get(w.type()).record(commands, set, constants, w.rows(), (batch + BATCH_TILE - 1) / BATCH_TILE);
        }
    }

    /**
     * Records {@code y = W·swiglu(g, u)} ({@code y +=} with {@code accumulate}) for one vector whose
     * input buffer holds {@code g} at 0 and {@code u} at {@code upOffset} floats (a multiple of 4),
     * {@code swiglu(g, u) = g / (1 + e^-g) · u}: the down projection reading the stacked gate/up
     * product directly. Past the columns, up to {@link GpuMatrix#xStride()}, g must be 0.
     */
    public void recordOfSwiglu(VkCommandBuffer commands, GpuMatrix w, long set, int upOffset, boolean accumulate) {
        if (upOffset < w.xStride() || upOffset % 4 != 0) {
            throw new IllegalArgumentException("the up half must start at a multiple of 4 floats past the gate half's "
                    + w.xStride() + " floats, got " + upOffset);
        }
        int[] constants = {w.rows(), w.columns(), w.xStride(), upOffset, w.rows(), upOffset, w.scaleVectors(), accumulate ? 1 : 0};
        swigluPipelines.get(w.type()).record(commands, set, constants, vectorShape.groups(w.rows()), 1);
    }

    /**
     * Records {@code y = W·(rmsnorm(x)·g)} for one vector ({@code y +=} with {@code accumulate}):
     * RMSNorm with {@code epsilon} and weight {@code g} folded into the product, for a set from
     * {@link #bindNormed}.
     */
    public void recordNormed(VkCommandBuffer commands, GpuMatrix w, long set, float epsilon, boolean accumulate) {
        int[] constants = {w.rows(), w.columns(), w.xStride(), Float.floatToRawIntBits(epsilon), w.rows(), 1, w.scaleVectors(),
                accumulate ? 1 : 0};
        normedPipelines.get(w.type()).record(commands, set, constants, vectorShape.groups(w.rows()), 1);
    }

    /**
     * A descriptor set for {@link #recordNormed}: weights, input {@code x}, output {@code y}, and
     * the norm weight {@code g}, which must hold {@link GpuMatrix#xStride()} floats (zeros past the columns).
     */
    public long bindNormed(GpuMatrix w, GpuBuffer x, GpuBuffer g, GpuBuffer y) {
        if (g.bytes() < 4L * w.xStride()) {
            throw new IllegalArgumentException("the norm weight holds " + g.bytes() / 4 + " floats; a product with " + w.columns()
                    + " columns reads " + w.xStride());
        }
        return normedPipelines.get(w.type()).bind(w.buffer(), x, y, g);
    }

    public void releaseNormed(GpuMatrix w, long set) {
        normedPipelines.get(w.type()).release(set);
    }

    /** A descriptor set binding {@code w}'s weights, the input {@code x} and the output {@code y}. */
    public long bind(GpuMatrix w, GpuBuffer x, GpuBuffer y) {
        return vectorPipelines.get(w.type()).bind(w.buffer(), x, y); // every pipeline here has this set layout
    }

    public void release(GpuMatrix w, long set) {
        vectorPipelines.get(w.type()).release(set);
    }

    /**
     * {@code out = W·x} for {@code batch} vectors of {@code w.columns()} floats, from and to the
     * host: uploads x, runs the kernel, waits, and reads the result back. For tests and benchmarks;
     * a forward pass keeps its activations on the device.
     */
    public void multiply(GpuMatrix w, float[] x, float[] out, int batch) {
        int columns = w.columns();
        int stride = w.xStride();
        try (Arena arena = Arena.ofConfined();
             GpuBuffer input = GpuBuffer.hostVisible(device, 4L * stride * batch);
             GpuBuffer output = GpuBuffer.hostVisible(device, 4L * w.rows() * batch)) {
            MemorySegment staged = arena.allocate(4L * stride * batch, 4);
            for (int b = 0; b < batch; b++) {
                MemorySegment.copy(x, b * columns, staged, ValueLayout.JAVA_FLOAT, 4L * b * stride, columns);
            }
            input.upload(staged, 0);
            long set = bind(w, input, output);
            try {
                device.submitAndWait(commands -> record(commands, w, set, batch));
            } finally {
                release(w, set);
            }
            MemorySegment result = arena.allocate(4L * w.rows() * batch, 4);
            output.download(0, result);
            MemorySegment.copy(result, ValueLayout.JAVA_FLOAT, 0, out, 0, w.rows() * batch);
        }
    }

    @Override
    public void close() {
        vectorPipelines.values().forEach(ComputePipeline::close);
        swigluPipelines.values().forEach(ComputePipeline::close);
        normedPipelines.values().forEach(ComputePipeline::close);
        if (cooperative != null) {
            cooperative.close();
        }
        batchPipelines.values().forEach(ComputePipeline::close);
    }
}
