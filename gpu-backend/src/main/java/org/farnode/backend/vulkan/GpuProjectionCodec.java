package org.farnode.backend.vulkan;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.ops.ActivationQuantization;
import org.farnode.backend.vulkan.GpuCodecKernels.Binding;
import org.farnode.backend.vulkan.GpuCodecKernels.Product;

/**
 * The device half of a projection codec. A window of {@code count} vectors h of {@code columns}
 * floats is encoded as {@link ActivationQuantization}'s bytes (INT8, INT4 or FP16) of its
 * {@code rows} coefficients per vector
 *
 * <pre>  c = E·(h − offset)                       (PROJECT, then the format's encoder)</pre>
 *
 * and an encoding is decoded, with c' its decoded coefficients, as
 *
 * <pre>  h' = offset + Dᵀ·c'                      (the format's decoder, then RECONSTRUCT)</pre>
 *
 * E and D ({@code rows × columns}, row-major) are given apart so that a codec can fold a
 * per-coefficient scale into them: rows of E divided by it, rows of D multiplied.
 *
 * <p>A {@link Projection} is uploaded to device memory once and kept until this codec closes;
 * the window buffers ({@link ProjectionWindow}) are shared by every projection and reused. Each
 * {@link #encode} or {@link #decode} is one submission: copy in, two kernels, copy out. The
 * products are f32 sums in the device's order, so coefficients may differ from a double-precision
 * reference in their last bits; the encoding of given coefficients is exact (see
 * docs/codec-kernels.md). Calls are serialized on this object.
 */
public final class GpuProjectionCodec implements AutoCloseable {
    /** Largest floats a bound buffer indexes (as {@link GpuCodecKernels}: positions times their stride stay below 2^30). */
    private static final long MAX_SPAN = 1L << 30;
    private final VulkanDevice device;
    private final GpuCodecKernels kernels;
    private final ProjectionWindow window;
    private final List<Projection> projections = new ArrayList<>();
    private boolean closed;

    /** One projection on the device: its matrices, offset and coefficient format, and its product bindings. */
    public static final class Projection {
        private final ActivationFormat format;
        private final int rows;
        private final int columns;
        private final GpuBuffer encodeMatrix;
        private final GpuBuffer decodeMatrix;
        private final GpuBuffer offset;
        private Binding project;
        private Binding reconstruct;
        /** The window generation {@link #project} and {@link #reconstruct} were bound in. */
        private int boundGeneration = -1;

        private Projection(ActivationFormat format, int rows, int columns, GpuBuffer encodeMatrix, GpuBuffer decodeMatrix,
                           GpuBuffer offset) {
            this.format = format;
            this.rows = rows;
            this.columns = columns;
            this.encodeMatrix = encodeMatrix;
            this.decodeMatrix = decodeMatrix;
            this.offset = offset;
        }

        public ActivationFormat format() {
            return format;
        }

        /** Coefficients per vector. */
        public int rows() {
            return rows;
        }

        /** Floats per vector. */
        public int columns() {
            return columns;
        }

        /** Bytes of the encoding of {@code count} vectors: {@code format.encodedBytes(rows, count)}. */
        public long encodedBytes(int count) {
            return format.encodedBytes(rows, count);
        }

        private void releaseBindings() {
            if (project != null) {
                project.close();
                reconstruct.close();
                project = null;
                reconstruct = null;
            }
        }

        private void close() {
            releaseBindings();
            encodeMatrix.close();
            decodeMatrix.close();
            offset.close();
        }
    }

    /** Compiles the codec kernels for {@code device}; throws {@link VulkanException} where it cannot run them. */
    public GpuProjectionCodec(VulkanDevice device, ShaderCompiler compiler) {
        this.device = device;
        this.kernels = new GpuCodecKernels(device, compiler);
        this.window = new ProjectionWindow(device, kernels);
    }

    /**
     * Uploads a projection whose coefficients are encoded in {@code format}:
     * {@code encodeMatrix} E and {@code decodeMatrix} D of {@code rows × columns} floats, and
     * {@code offset} of {@code columns} floats (the mean).
     */
    public synchronized Projection upload(ActivationFormat format, int rows, int columns, float[] encodeMatrix, float[] decodeMatrix,
                                          float[] offset) {
        requireOpen();
        if (rows < 1 || columns < 1 || rows > GpuCodecKernels.MAX_PRODUCT_SIDE || columns > GpuCodecKernels.MAX_PRODUCT_SIDE) {
            throw new IllegalArgumentException("a projection has 1 to " + GpuCodecKernels.MAX_PRODUCT_SIDE
                    + " rows and columns, got " + rows + " x " + columns);
        }
        requireLength("encodeMatrix", encodeMatrix.length, (long) rows * columns);
        requireLength("decodeMatrix", decodeMatrix.length, (long) rows * columns);
        requireLength("offset", offset.length, columns);
        GpuBuffer encode = upload(encodeMatrix, rows * columns);
        GpuBuffer decode = upload(decodeMatrix, rows * columns);
        GpuBuffer shift = upload(offset, columns);
        Projection projection = new Projection(format, rows, columns, encode, decode, shift);
        projections.add(projection);
        return projection;
    }

    /**
     * The most vectors one window of a projection of {@code rows × columns} takes: the kernels'
     * limits (at most 65535 vectors, {@code rows·count ≤ 2^24} coefficients, {@code columns·count
     * ≤ 2^30} floats). A caller with a larger window codes it another way.
     */
    public static int maxWindow(int rows, int columns) {
        long limit = Math.min(GpuCodecKernels.MAX_PRODUCT_SIDE, GpuCodecKernels.MAX_VALUES / rows);
        return (int) Math.min(limit, MAX_SPAN / columns);
    }

    /**
     * Writes the encoding of {@code count} packed vectors ({@code vectors}: {@code count × columns}
     * floats in native order) into the first {@link Projection#encodedBytes} bytes of {@code encoded}.
     * The output for non-finite inputs is unspecified (callers check them).
     */
    public synchronized void encode(Projection projection, MemorySegment vectors, int count, MemorySegment encoded) {
        requireWindow(projection, count);
        int rows = projection.rows;
        int columns = projection.columns;
        long vectorBytes = 4L * count * columns;
        long encodedBytes = projection.encodedBytes(count);
        requireBytes("vectors", vectors, vectorBytes);
        requireBytes("encoded", encoded, encodedBytes);
        prepare(projection, count);
        long wordBytes = projection.format.wordAlignedBytes(rows, count);
        MemorySegment.copy(vectors, 0, window.vectorsHost().mapped(), 0, vectorBytes);
        Binding encoder = window.encoder(projection.format);
        device.submitAndWait(c -> {
            GpuBuffer.recordCopy(c, window.vectorsHost(), window.vectorsDevice(), vectorBytes);
            VulkanDevice.fullBarrier(c);
            kernels.recordProduct(c, Product.PROJECT, projection.project, rows, columns, count, columns, rows);
            VulkanDevice.computeBarrier(c);
            kernels.recordEncode(c, projection.format, encoder, rows, count, rows);
            VulkanDevice.fullBarrier(c);
            GpuBuffer.recordCopy(c, window.encodingDevice(), window.encodingHost(), wordBytes);
            VulkanDevice.fullBarrier(c);
        });
        MemorySegment.copy(window.encodingHost().mapped(), 0, encoded, 0, encodedBytes);
    }

    /**
     * Writes the {@code count × columns} floats (native order) that the first
     * {@link Projection#encodedBytes} bytes of {@code encoded} decode to into {@code vectors}.
     */
    public synchronized void decode(Projection projection, MemorySegment encoded, int count, MemorySegment vectors) {
        requireWindow(projection, count);
        int rows = projection.rows;
        int columns = projection.columns;
        long vectorBytes = 4L * count * columns;
        long encodedBytes = projection.encodedBytes(count);
        requireBytes("encoded", encoded, encodedBytes);
        requireBytes("vectors", vectors, vectorBytes);
        prepare(projection, count);
        long wordBytes = projection.format.wordAlignedBytes(rows, count);
        MemorySegment staged = window.encodingHost().mapped();
        MemorySegment.copy(encoded, 0, staged, 0, encodedBytes);
        staged.asSlice(encodedBytes, wordBytes - encodedBytes).fill((byte) 0); // the last word's padding, as an encoder writes it
        Binding decoder = window.decoder(projection.format);
        device.submitAndWait(c -> {
            GpuBuffer.recordCopy(c, window.encodingHost(), window.encodingDevice(), wordBytes);
            VulkanDevice.fullBarrier(c);
            kernels.recordDecode(c, projection.format, decoder, rows, count, rows);
            VulkanDevice.computeBarrier(c);
            kernels.recordProduct(c, Product.RECONSTRUCT, projection.reconstruct, rows, columns, count, rows, columns);
            VulkanDevice.fullBarrier(c);
            GpuBuffer.recordCopy(c, window.vectorsDevice(), window.vectorsHost(), vectorBytes);
            VulkanDevice.fullBarrier(c);
        });
        MemorySegment.copy(window.vectorsHost().mapped(), 0, vectors, 0, vectorBytes);
    }

    /** Grows the window for {@code count} vectors of {@code projection} and binds its products to the current buffers. */
    private void prepare(Projection projection, int count) {
        window.ensure(4L * count * projection.columns, 4L * count * projection.rows,
                projection.format.wordAlignedBytes(projection.rows, count));
        if (projection.boundGeneration != window.generation()) {
            projection.releaseBindings();
            projection.project = kernels.bindProduct(Product.PROJECT, projection.encodeMatrix, window.vectorsDevice(),
                    window.coefficients(), projection.offset);
            projection.reconstruct = kernels.bindProduct(Product.RECONSTRUCT, projection.decodeMatrix, window.coefficients(),
                    window.vectorsDevice(), projection.offset);
            projection.boundGeneration = window.generation();
        }
    }

    private GpuBuffer upload(float[] values, int count) {
        GpuBuffer buffer = GpuBuffer.deviceLocal(device, 4L * count);
        buffer.upload(MemorySegment.ofArray(values).asSlice(0, 4L * count), 0);
        return buffer;
    }

    private void requireWindow(Projection projection, int count) {
        requireOpen();
        if (!projections.contains(projection)) {
            throw new IllegalArgumentException("the projection was uploaded to another codec");
        }
        int most = maxWindow(projection.rows, projection.columns);
        if (count < 1 || count > most) {
            throw new IllegalArgumentException("a window of a " + projection.rows + " x " + projection.columns + " projection holds 1 to "
                    + most + " vectors, got " + count);
        }
    }

    private static void requireBytes(String what, MemorySegment segment, long needed) {
        if (segment.byteSize() < needed) {
            throw new IllegalArgumentException(what + " has " + segment.byteSize() + " bytes, needs " + needed);
        }
    }

    private static void requireLength(String what, int length, long needed) {
        if (length < needed) {
            throw new IllegalArgumentException(what + " has " + length + " floats, needs " + needed);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this projection codec is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.waitIdle();
        projections.forEach(Projection::close);
        projections.clear();
        window.close();
        kernels.close();
    }
}
