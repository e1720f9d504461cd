package org.farnode.backend.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.farnode.backend.tensor.UnsupportedTensorTypeException;

/**
 * A weight matrix in GPU memory, repacked on upload so that the shader reads only aligned 32-bit
 * words (the layout is described in {@code matmul.comp}). Quantized blocks keep their exact bits:
 * the f16 scales move to a table in front, the quants follow in block order.
 */
public final class GpuMatrix implements AutoCloseable {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    /** The types the shaders read; the K-quants, among others, run on the CPU backend only. */
    public static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0);
    private final GgmlType type;
    private final int rows;
    private final int columns;
    private final int xStride;
    private final int scaleWords;
    private final GpuBuffer buffer;

    private GpuMatrix(GgmlType type, int rows, int columns, int xStride, int scaleWords, GpuBuffer buffer) {
        this.type = type;
        this.rows = rows;
        this.columns = columns;
        this.xStride = xStride;
        this.scaleWords = scaleWords;
        this.buffer = buffer;
    }

    /** The floats between input vectors: the columns rounded up so every row of every type packs into whole words. */
    public static int xStride(GgmlType type, int columns) {
        return switch (type) {
            case F16 -> roundUp(columns, 8);
            default -> roundUp(columns, 4); // Q8_0 and Q4_0 rows are whole 32-value blocks already
        };
    }

    /** Uploads {@code tensor} (F32, F16, Q8_0 or Q4_0) into device-local memory. */
    public static GpuMatrix upload(VulkanDevice device, Tensor tensor) {
        GgmlType type = tensor.type();
        int rows = tensor.rows();
        int columns = tensor.columns();
        int stride = xStride(type, columns);
        try (Arena arena = Arena.ofConfined()) {
            int scaleWords = 0;
            MemorySegment packed;
            switch (type) {
                case F32 -> packed = packElements(arena, tensor, stride, 4);
                case F16 -> packed = packElements(arena, tensor, stride, 2);
                case Q8_0, Q4_0 -> {
                    int quantBytes = type == GgmlType.Q8_0 ? 32 : 16;
                    long blocks = (long) rows * (columns / 32);
                    // the scale table is padded to whole 16-byte vectors, where the quants begin
                    scaleWords = Math.toIntExact((blocks + 7) / 8 * 4);
                    packed = arena.allocate(4L * scaleWords + blocks * quantBytes, 4);
                    MemorySegment data = tensor.data();
                    long blockBytes = 2 + quantBytes;
                    for (long k = 0; k < blocks; k++) {
                        packed.set(SHORT, 2 * k, data.get(SHORT, k * blockBytes));
                        MemorySegment.copy(data, k * blockBytes + 2, packed, 4L * scaleWords + k * quantBytes, quantBytes);
                    }
                }
                default -> throw new UnsupportedTensorTypeException(tensor.name(), type, "the Vulkan backend", TYPES,
                        "use --backend cpu for this model");
            }
            GpuBuffer buffer = GpuBuffer.deviceLocal(device, packed.byteSize());
            buffer.upload(packed, 0);
            return new GpuMatrix(type, rows, columns, stride, scaleWords, buffer);
        }
    }

    /**
     * Uploads {@code parts} (one type, one column count) as one matrix whose rows are theirs in
     * order, each part starting at a row that is a multiple of 8 (zero rows between), so one
     * dispatch computes all the products and each part's outputs start 32-byte aligned. The
     * offsets are {@link #partOffsets(Tensor...)}.
     *
     * @throws VulkanException when the parts differ in type or columns
     */
    public static GpuMatrix stack(VulkanDevice device, Tensor... parts) {
        Tensor first = parts[0];
        for (Tensor part : parts) {
            if (part.type() != first.type() || part.columns() != first.columns()) {
                throw new VulkanException("the GPU backend multiplies " + names(parts) + " in one product, so they must share a type "
                        + "and a width; found " + describe(parts) + " (use --backend cpu for this model)");
            }
        }
        int[] offsets = partOffsets(parts);
        int rows = offsets[parts.length];
        long rowBytes = first.rowBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(rowBytes * rows, 8); // zeros: a zero row (or a zero scale) yields 0
            for (int i = 0; i < parts.length; i++) {
                MemorySegment.copy(parts[i].data(), 0, data, rowBytes * offsets[i], rowBytes * parts[i].rows());
            }
            Tensor stacked = new Tensor(names(parts), first.type(), new long[] {first.columns(), rows}, data);
            return upload(device, stacked);
        }
    }

    /** Where each of {@code parts} begins in {@link #stack}'s rows, and (last) the total rows. */
    public static int[] partOffsets(Tensor... parts) {
        int[] offsets = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            offsets[i + 1] = offsets[i] + roundUp(parts[i].rows(), 8);
        }
        return offsets;
    }

    private static String names(Tensor... parts) {
        return String.join(" + ", java.util.Arrays.stream(parts).map(Tensor::name).toList());
    }

    private static String describe(Tensor... parts) {
        return String.join(", ", java.util.Arrays.stream(parts).map(t -> t.name() + " " + t.type() + " x " + t.columns()).toList());
    }

    /** Rows padded with zeros to {@code stride} elements of {@code elementBytes} each. */
    private static MemorySegment packElements(Arena arena, Tensor tensor, int stride, int elementBytes) {
        long rowBytes = (long) tensor.columns() * elementBytes;
        long paddedRowBytes = (long) stride * elementBytes;
        MemorySegment packed = arena.allocate(paddedRowBytes * tensor.rows(), 4);
        for (int r = 0; r < tensor.rows(); r++) {
            MemorySegment.copy(tensor.data(), r * rowBytes, packed, r * paddedRowBytes, rowBytes);
        }
        return packed;
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    public GgmlType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** Floats between consecutive input vectors this matrix multiplies. */
    public int xStride() {
        return xStride;
    }

    /** 16-byte vectors of the scale table in front of the quants (0 for F32 and F16). */
    int scaleVectors() {
        return scaleWords / 4;
    }

    GpuBuffer buffer() {
        return buffer;
    }

    /** Bytes of weights the shader reads per product with one vector. */
    public long bytes() {
        return buffer.bytes();
    }

    @Override
    public void close() {
        buffer.close();
    }
}
