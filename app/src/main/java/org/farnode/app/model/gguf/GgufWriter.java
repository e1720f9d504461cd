package org.farnode.app.model.gguf;

import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Quantize;
import org.farnode.backend.tensor.UnsupportedTensorTypeException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF file (version 3, or 2 on request) that {@link GgufFile} and llama.cpp read.
 *
 * <pre>
 * offset 0     "GGUF" | u32 version | u64 tensor_count | u64 kv_count
 *              kv_count times:     string key | u32 value_type | value
 *              tensor_count times: string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset
 *              zeros up to the next multiple of general.alignment (u32, default 32)
 * data_offset  tensor 0 bytes | zeros to alignment | tensor 1 bytes | zeros to alignment | ...
 *              (each tensor at data_offset + its offset; the file ends aligned)
 *
 * string = u64 byte length | UTF-8 bytes (no terminator)
 * value  = scalar little-endian | string | array
 * array  = u32 element_type | u64 count | count values (nested arrays: each element is itself
 *          u32 element_type | u64 count | values, without a value_type of its own)
 * </pre>
 *
 * <p>Metadata is kept in insertion order. Tensor data is streamed to a {@link FileChannel} (see
 * {@link TensorSource}), so files of many GB never sit on the heap. The file is written as
 * {@code NAME.partial} beside the target and renamed when complete.
 */
public final class GgufWriter {
    /** ggml keeps tensor names in 64 bytes including the terminator. */
    public static final int MAX_NAME_BYTES = 63;
    private static final int MAX_DIMS = 4;
    private static final int MAX_ROW_LENGTH = 1 << 26;

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();
    private int version = 3;
    private int threads = Runtime.getRuntime().availableProcessors();

    private record PendingTensor(String name, GgmlType type, long[] shape, TensorSource source) {
    }

    /** Where everything goes: offsets in {@code tensors} are relative to {@code dataOffset}. */
    public record Layout(int version, int alignment, long dataOffset, List<GgufTensorInfo> tensors, long fileSize) {
    }

    /** GGUF version 2 or 3 (their layouts are the same; 3 is the default). */
    public GgufWriter version(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("GGUF version must be 2 or 3, got " + version);
        }
        this.version = version;
        return this;
    }

    /** Worker threads that encode float rows (default: available processors). */
    public GgufWriter threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        return this;
    }

    /** Adds or replaces a metadata entry; the value is checked against its declared type here. */
    public GgufWriter put(String key, GgufValue value) {
        GgufHeaderEncoder.check(key, value);
        if (key.equals(GgufFile.ALIGNMENT_KEY)) {
            checkAlignment(value);
        }
        metadata.put(key, value);
        return this;
    }

    /** Sets {@code general.alignment}: a power of two; ggml reads it as UINT32. */
    public GgufWriter alignment(int alignment) {
        return put(GgufFile.ALIGNMENT_KEY, GgufValue.uint32(alignment));
    }

    /**
     * Adds a tensor. {@code shape} is ggml's {@code [ne0, ne1, ...]} (1 to 4 dimensions), {@code ne0}
     * the row length, a multiple of the type's block size. Tensors are stored in the order added.
     */
    public GgufWriter tensor(String name, GgmlType type, long[] shape, TensorSource source) {
        checkName(name);
        long[] dims = shape.clone();
        GgufTensorInfo info = checkShape(name, type, dims);
        switch (source) {
            case TensorSource.RawBytes raw when raw.bytes().byteSize() != info.byteSize() ->
                    throw new IllegalArgumentException("tensor " + name + " (" + type + " " + Arrays.toString(dims)
                            + ") needs " + info.byteSize() + " bytes, the source has " + raw.bytes().byteSize());
            case TensorSource.FloatRows _ -> checkEncodable(name, type, dims[0]);
            default -> {
            }
        }
        tensors.put(name, new PendingTensor(name, type, dims, source));
        return this;
    }

    /** The offsets and sizes {@link #write} will use. */
    public Layout layout() {
        int alignment = alignment();
        List<GgufTensorInfo> infos = new ArrayList<>(tensors.size());
        long next = 0;
        for (PendingTensor t : tensors.values()) {
            GgufTensorInfo info = new GgufTensorInfo(t.name(), t.shape(), t.type(), next);
            infos.add(info);
            next = GgufFile.alignUp(Math.addExact(next, info.byteSize()), alignment);
        }
        long headerBytes = GgufHeaderEncoder.encode(version, metadata, infos).length;
        long dataOffset = GgufFile.alignUp(headerBytes, alignment);
        return new Layout(version, alignment, dataOffset, List.copyOf(infos), dataOffset + next);
    }

    /** Writes the file, replacing any file at {@code path}; returns its size in bytes. */
    public long write(Path path) throws IOException {
        Layout layout = layout();
        byte[] header = GgufHeaderEncoder.encode(version, metadata, layout.tensors());
        Path partial = path.resolveSibling(path.getFileName() + ".partial");
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 TensorStreamer streamer = new TensorStreamer(channel, threads)) {
                ByteBuffer headerBytes = ByteBuffer.wrap(header);
                while (headerBytes.hasRemaining()) {
                    channel.write(headerBytes, headerBytes.position());
                }
                List<PendingTensor> sources = List.copyOf(tensors.values());
                for (int i = 0; i < sources.size(); i++) {
                    GgufTensorInfo info = layout.tensors().get(i);
                    streamer.write(info, sources.get(i).source(), layout.dataOffset() + info.offset());
                }
                streamer.finish();
                if (channel.size() < layout.fileSize()) {
                    // Trailing zeros (padding or an all-zero last tensor): set the length with one byte.
                    channel.write(ByteBuffer.wrap(new byte[1]), layout.fileSize() - 1);
                }
            }
            moveIntoPlace(partial, path);
        } finally {
            Files.deleteIfExists(partial);
        }
        return layout.fileSize();
    }

    private int alignment() {
        GgufValue value = metadata.get(GgufFile.ALIGNMENT_KEY);
        return value == null ? GgufFile.DEFAULT_ALIGNMENT : (int) (long) (Long) value.value();
    }

    private static void checkAlignment(GgufValue value) {
        if (value.type() != GgufValueType.UINT32 || !(value.value() instanceof Long alignment)) {
            throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be a UINT32 (GgufValue.uint32), got "
                    + value.type() + " " + value.value());
        }
        if (alignment < 1 || alignment > (1 << 30) || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be a power of two up to 2^30, got "
                    + alignment);
        }
    }

    private void checkName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' has " + bytes + " UTF-8 bytes; 1 to "
                    + MAX_NAME_BYTES + " allowed");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor " + name + " is already added");
        }
    }

    private static GgufTensorInfo checkShape(String name, GgmlType type, long[] shape) {
        if (shape.length < 1 || shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("tensor " + name + " has " + shape.length + " dimensions; 1 to "
                    + MAX_DIMS + " allowed");
        }
        for (long dim : shape) {
            if (dim < 1) {
                throw new IllegalArgumentException("tensor " + name + " has dimension " + dim + " in "
                        + Arrays.toString(shape));
            }
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + shape[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        GgufTensorInfo info = new GgufTensorInfo(name, shape, type, 0);
        try {
            info.byteSize();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor " + name + " shape " + Arrays.toString(shape) + " overflows", e);
        }
        return info;
    }

    /** Float rows need an encoder for the type, and a row must fit in memory. */
    private static void checkEncodable(String name, GgmlType type, long rowLength) {
        if (rowLength > MAX_ROW_LENGTH) {
            throw new IllegalArgumentException("tensor " + name + ": rows of " + rowLength + " values are too long to"
                    + " encode from floats (at most " + MAX_ROW_LENGTH + ")");
        }
        try {
            Quantize.values(type, new float[type.blockSize()], 0, type.blockSize(),
                    MemorySegment.ofArray(new byte[type.bytesPerBlock()]), 0);
        } catch (UnsupportedTensorTypeException e) {
            throw new IllegalArgumentException("tensor " + name + ": float rows cannot be encoded as " + type
                    + " yet; give its bytes instead", e);
        }
    }

    private static void moveIntoPlace(Path partial, Path path) throws IOException {
        try {
            Files.move(partial, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
