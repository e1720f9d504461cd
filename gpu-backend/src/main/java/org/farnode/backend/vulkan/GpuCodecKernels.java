package org.farnode.backend.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.ops.ActivationQuantization;
import org.farnode.backend.ops.SmallMatmul;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * The kernels of the activation codecs on one device: an encoder and a decoder per
 * {@link ActivationFormat} ({@code codec_quantize.comp}, {@code codec_dequantize.comp}), writing
 * and reading the exact bytes of {@link ActivationQuantization}, and the two small products of a
 * projection codec ({@code small_matmul.comp}, {@link SmallMatmul} the reference).
 *
 * <p>The {@code record…} methods only record; barriers around them (before the input is read,
 * after the output is written) are the caller's, as for {@link ComputePipeline#record}. The
 * {@code encode}, {@code decode} and {@code product} methods go from host to device and back, for
 * tests; a forward pass keeps its activations on the device.
 */
public final class GpuCodecKernels implements AutoCloseable {
    /** Largest window a codec kernel takes, in values ({@code dim·count}): keeps every dispatch within 65535 workgroups. */
    public static final int MAX_VALUES = 1 << 24;
    /** Largest rows, columns and batch of a product: one workgroup per row (or 64 columns) and per 8 vectors. */
    public static final int MAX_PRODUCT_SIDE = 65535;
    private static final int CODEC_WORKGROUP = 256;
    private static final int PRODUCT_WORKGROUP = 64;
    private static final int PRODUCT_TILE = 8;
    /** Floats a bound buffer may index: positions or vectors times their stride stay below 2^30, so indices fit a uint. */
    private static final long MAX_SPAN = 1L << 30;

    /** The two products of a projection codec. */
    public enum Product {
        /** {@code y[b][i] = Σ_j A[i][j]·(x[b][j] − offset[j])}: coefficients of a vector, {@code c = P·(h − mean)}. */
        PROJECT,
        /** {@code y[b][j] = offset[j] + Σ_i A[i][j]·x[b][i]}: a vector back from its coefficients, {@code h = mean + Pᵀ·c}. */
        RECONSTRUCT
    }

    /** A descriptor set of one codec kernel and the buffers it was bound to (offset last, when there is one); close frees the set. */
    public record Binding(ComputePipeline pipeline, long set, List<GpuBuffer> buffers) implements AutoCloseable {
        @Override
        public void close() {
            pipeline.release(set);
        }
    }

    private final VulkanDevice device;
    private final Map<ActivationFormat, ComputePipeline> encoders = new EnumMap<>(ActivationFormat.class);
    private final Map<ActivationFormat, ComputePipeline> decoders = new EnumMap<>(ActivationFormat.class);
    private final Map<Product, ComputePipeline> products = new EnumMap<>(Product.class);

    public GpuCodecKernels(VulkanDevice device, ShaderCompiler compiler) {
        DeviceInfo info = PhysicalDeviceProbe.read(device.physical(), 0); // the index is not used here
        if (!info.compute().subgroupArithmetic()) {
            throw new VulkanException(device.name() + " cannot add across subgroups in compute shaders "
                    + "(no subgroup arithmetic), which the codec products need; use the CPU codecs");
        }
        this.device = device;
        for (ActivationFormat format : ActivationFormat.values()) {
            String variant = format == ActivationFormat.FP16 ? "FP16 1" : "BITS " + format.bits();
            encoders.put(format, new ComputePipeline(device, "codec_quantize " + format, compiler.compile("codec_quantize", variant), 2, 4 * 4));
            decoders.put(format, new ComputePipeline(device, "codec_dequantize " + format, compiler.compile("codec_dequantize", variant), 2, 4 * 4));
        }
        for (Product product : Product.values()) {
            byte[] spirv = compiler.compile("small_matmul", product.name() + " 1", "WORKGROUP " + PRODUCT_WORKGROUP, "TILE " + PRODUCT_TILE);
            products.put(product, new ComputePipeline(device, "small_matmul " + product, spirv, 4, 6 * 4));
        }
    }

    /** Binds an encoder of {@code format}: binding 0 the activations (floats), binding 1 the encoding. */
    public Binding bindEncoder(ActivationFormat format, GpuBuffer input, GpuBuffer encoded) {
        ComputePipeline pipeline = encoders.get(format);
        return new Binding(pipeline, pipeline.bind(input, encoded), List.of(input, encoded));
    }

    /**
     * Records the encoding of {@code count} positions of {@code dim} floats, position {@code p} at
     * float {@code p·stride} of the input, into the first {@link ActivationFormat#wordAlignedBytes}
     * bytes of the encoding buffer (blockwise formats: two dispatches with a barrier between).
     */
    public void recordEncode(VkCommandBuffer commands, ActivationFormat format, Binding binding, int dim, int count, int stride) {
        requireBinding(binding, encoders.get(format), "an encoder of " + format);
        requireWindow(dim, count, stride);
        requireFloats(binding.buffers().get(0), "input", stride, count, dim);
        requireBytes(binding.buffers().get(1), "encoding", format.wordAlignedBytes(dim, count), format + " of " + count + " x " + dim);
        ComputePipeline pipeline = binding.pipeline();
        long values = (long) dim * count;
        if (!format.blockwise()) {
            pipeline.record(commands, binding.set(), new int[] {dim, count, stride, 0}, groups((values + 1) / 2, CODEC_WORKGROUP), 1);
            return;
        }
        long blocks = (long) count * ActivationFormat.blocksPerPosition(dim);
        pipeline.record(commands, binding.set(), new int[] {dim, count, stride, 0}, groups(blocks, CODEC_WORKGROUP), 1);
        VulkanDevice.computeBarrier(commands);
        pipeline.record(commands, binding.set(), new int[] {dim, count, stride, 1}, groups(quantWords(format, values), CODEC_WORKGROUP), 1);
    }

    /** Binds a decoder of {@code format}: binding 0 the encoding, binding 1 the activations (floats). */
    public Binding bindDecoder(ActivationFormat format, GpuBuffer encoded, GpuBuffer output) {
        ComputePipeline pipeline = decoders.get(format);
        return new Binding(pipeline, pipeline.bind(encoded, output), List.of(encoded, output));
    }

    /**
     * Records the decoding of an encoding of {@code count} positions of {@code dim} values into
     * the output, position {@code p} at float {@code p·stride}; the floats between positions are
     * left as they were.
     */
    public void recordDecode(VkCommandBuffer commands, ActivationFormat format, Binding binding, int dim, int count, int stride) {
        requireBinding(binding, decoders.get(format), "a decoder of " + format);
        requireWindow(dim, count, stride);
        requireBytes(binding.buffers().get(0), "encoding", format.wordAlignedBytes(dim, count), format + " of " + count + " x " + dim);
        requireFloats(binding.buffers().get(1), "output", stride, count, dim);
        long values = (long) dim * count;
        long words = format.blockwise() ? quantWords(format, values) : (values + 1) / 2;
        binding.pipeline().record(commands, binding.set(), new int[] {dim, count, stride, 0}, groups(words, CODEC_WORKGROUP), 1);
    }

    /**
     * Binds a product: {@code a} the matrix, {@code x} the input vectors, {@code y} the output
     * vectors and {@code offset} ({@code columns} floats, or null for none; see {@link Product}).
     */
    public Binding bindProduct(Product product, GpuBuffer a, GpuBuffer x, GpuBuffer y, GpuBuffer offset) {
        ComputePipeline pipeline = products.get(product);
        // Without an offset the kernel never reads binding 3; x fills it so the set is complete.
        long set = pipeline.bind(a, x, y, offset == null ? x : offset);
        return new Binding(pipeline, set, offset == null ? List.of(a, x, y) : List.of(a, x, y, offset));
    }

    /**
     * Records {@code product} for a matrix of {@code rows × columns} and {@code batch} vectors,
     * input vectors {@code xStride} and output vectors {@code yStride} floats apart.
     */
    public void recordProduct(VkCommandBuffer commands, Product product, Binding binding, int rows, int columns, int batch,
                              int xStride, int yStride) {
        requireBinding(binding, products.get(product), "a product " + product);
        if (rows < 1 || columns < 1 || batch < 1 || rows > MAX_PRODUCT_SIDE || columns > MAX_PRODUCT_SIDE || batch > MAX_PRODUCT_SIDE) {
            throw new IllegalArgumentException("a product takes 1 to " + MAX_PRODUCT_SIDE + " rows, columns and vectors, got "
                    + rows + " x " + columns + " and " + batch + " vectors");
        }
        int in = product == Product.PROJECT ? columns : rows;
        int out = product == Product.PROJECT ? rows : columns;
        requireStride("x", xStride, in, batch);
        requireStride("y", yStride, out, batch);
        List<GpuBuffer> buffers = binding.buffers();
        requireBytes(buffers.get(0), "matrix", 4L * rows * columns, rows + " x " + columns + " floats");
        requireFloats(buffers.get(1), "x", xStride, batch, in);
        requireFloats(buffers.get(2), "y", yStride, batch, out);
        boolean offset = buffers.size() == 4;
        if (offset) {
            requireBytes(buffers.get(3), "offset", 4L * columns, columns + " floats");
        }
        int[] constants = {rows, columns, batch, xStride, yStride, offset ? 1 : 0};
        int tiles = groups(batch, PRODUCT_TILE);
        if (product == Product.PROJECT) {
            binding.pipeline().record(commands, binding.set(), constants, rows, tiles);
        } else {
            binding.pipeline().record(commands, binding.set(), constants, groups(columns, PRODUCT_WORKGROUP), tiles);
        }
    }

    /** The encoding of {@code x} ({@code count} packed positions of {@code dim}), host to device and back. */
    public byte[] encode(ActivationFormat format, float[] x, int dim, int count) {
        requireWindow(dim, count, dim);
        requireLength("x", x.length, (long) dim * count);
        try (Arena arena = Arena.ofConfined();
             GpuBuffer input = GpuBuffer.hostVisible(device, 4L * dim * count);
             GpuBuffer encoded = GpuBuffer.hostVisible(device, format.wordAlignedBytes(dim, count));
             Binding binding = bindEncoder(format, input, encoded)) {
            MemorySegment.copy(x, 0, input.mapped(), ValueLayout.JAVA_FLOAT, 0, dim * count);
            device.submitAndWait(commands -> recordEncode(commands, format, binding, dim, count, dim));
            MemorySegment result = arena.allocate(format.encodedBytes(dim, count));
            encoded.download(0, result);
            return result.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The {@code count·dim} floats {@code encoded} holds, host to device and back. */
    public float[] decode(ActivationFormat format, byte[] encoded, int dim, int count) {
        requireWindow(dim, count, dim);
        requireLength("encoded", encoded.length, format.encodedBytes(dim, count));
        try (GpuBuffer input = GpuBuffer.hostVisible(device, format.wordAlignedBytes(dim, count));
             GpuBuffer output = GpuBuffer.hostVisible(device, 4L * dim * count);
             Binding binding = bindDecoder(format, input, output)) {
            input.mapped().fill((byte) 0);
            MemorySegment.copy(encoded, 0, input.mapped(), ValueLayout.JAVA_BYTE, 0, (int) format.encodedBytes(dim, count));
            device.submitAndWait(commands -> recordDecode(commands, format, binding, dim, count, dim));
            float[] result = new float[dim * count];
            MemorySegment.copy(output.mapped(), ValueLayout.JAVA_FLOAT, 0, result, 0, result.length);
            return result;
        }
    }

    /** {@code product} of {@code a} ({@code rows × columns}) with {@code batch} packed vectors; offset may be null. */
    public float[] product(Product product, float[] a, int rows, int columns, float[] x, float[] offset, int batch) {
        int in = product == Product.PROJECT ? columns : rows;
        int out = product == Product.PROJECT ? rows : columns;
        requireLength("a", a.length, (long) rows * columns);
        requireLength("x", x.length, (long) in * batch);
        if (offset != null) {
            requireLength("offset", offset.length, columns);
        }
        try (GpuBuffer matrix = hostVisible(a, (long) rows * columns);
             GpuBuffer input = hostVisible(x, (long) in * batch);
             GpuBuffer output = GpuBuffer.hostVisible(device, 4L * out * batch);
             GpuBuffer shift = offset == null ? null : hostVisible(offset, columns);
             Binding binding = bindProduct(product, matrix, input, output, shift)) {
            device.submitAndWait(commands -> recordProduct(commands, product, binding, rows, columns, batch, in, out));
            float[] result = new float[out * batch];
            MemorySegment.copy(output.mapped(), ValueLayout.JAVA_FLOAT, 0, result, 0, result.length);
            return result;
        }
    }

    private GpuBuffer hostVisible(float[] values, long count) {
        GpuBuffer buffer = GpuBuffer.hostVisible(device, 4L * count);
        MemorySegment.copy(values, 0, buffer.mapped(), ValueLayout.JAVA_FLOAT, 0, (int) count);
        return buffer;
    }

    private static long quantWords(ActivationFormat format, long values) {
        int perWord = 32 / format.bits();
        return (values + perWord - 1) / perWord;
    }

    private static int groups(long threads, int perGroup) {
        return (int) ((threads + perGroup - 1) / perGroup);
    }

    private static void requireBinding(Binding binding, ComputePipeline expected, String what) {
        if (binding.pipeline() != expected) {
            throw new IllegalArgumentException("the binding is for another kernel, not " + what);
        }
    }

    private static void requireWindow(int dim, int count, int stride) {
        if (dim < 1 || count < 1 || (long) dim * count > MAX_VALUES) {
            throw new IllegalArgumentException("a codec window takes dim ≥ 1 and count ≥ 1 with dim·count ≤ " + MAX_VALUES
                    + ", got dim " + dim + ", count " + count);
        }
        requireStride("positions", stride, dim, count);
    }

    private static void requireStride(String what, int stride, int width, int rows) {
        if (stride < width || (long) stride * rows > MAX_SPAN) {
            throw new IllegalArgumentException(what + " stride " + stride + " must be at least " + width
                    + " and, times " + rows + ", at most " + MAX_SPAN + " floats");
        }
    }

    private static void requireFloats(GpuBuffer buffer, String what, int stride, int rows, int width) {
        requireBytes(buffer, what, 4L * ((long) stride * (rows - 1) + width), rows + " rows of " + width + " floats, " + stride + " apart");
    }

    private static void requireBytes(GpuBuffer buffer, String what, long needed, String holding) {
        if (buffer.bytes() < needed) {
            throw new IllegalArgumentException("the " + what + " buffer has " + buffer.bytes() + " bytes; " + holding + " take " + needed);
        }
    }

    private static void requireLength(String what, int length, long needed) {
        if (length < needed) {
            throw new IllegalArgumentException(what + " has " + length + " elements, needs " + needed);
        }
    }

    @Override
    public void close() {
        encoders.values().forEach(ComputePipeline::close);
        decoders.values().forEach(ComputePipeline::close);
        products.values().forEach(ComputePipeline::close);
    }
}
