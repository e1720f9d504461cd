package org.farnode.app.model.gguf;

import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3), memory-mapped once.
 *
 * <p>The whole file is mapped read-only into a shared {@link Arena} that lives as long as this
 * object; every {@link Tensor} is a slice of that mapping, so weights never land on the Java heap
 * and files of any size work. Closing the file unmaps it: tensors must not be used afterwards.
 *
 * <pre>
 * header:  "GGUF" | u32 version | u64 tensor_count | u64 kv_count
 * kv:      string key | u32 value_type | value          (kv_count times)
 * tensor:  string name | u32 n_dims | u64 dims[n_dims] | u32 ggml_type | u64 offset   (tensor_count times)
 * padding to general.alignment (default 32), then tensor data; string = u64 length | UTF-8 bytes
 * </pre>
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensorInfos;
    private final int alignment;
    private final long dataOffset;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, GgufMetadata metadata,
                     Map<String, GgufTensorInfo> tensorInfos, int alignment, long dataOffset) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.metadata = metadata;
        this.tensorInfos = tensorInfos;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
    }

    /** Opens and maps {@code path}; throws {@link GgufFormatException} naming the file and the problem. */
    public static GgufFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        if (Files.isDirectory(path)) {
            throw new GgufFormatException(path + " is a directory, not a GGUF file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return parse(path, arena, mapping);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment mapping) {
        Cursor in = new Cursor(path, mapping);
        if (mapping.byteSize() < 4) {
            throw new GgufFormatException(path + " is truncated or not a GGUF file: " + mapping.byteSize()
                    + " bytes is shorter than the 4-byte magic \"GGUF\"");
        }
        if (in.u32() != MAGIC) {
            throw new GgufFormatException(path + " is not a GGUF file (it does not start with the bytes \"GGUF\")");
        }
        int version = in.u32();
        if (version != 2 && version != 3) {
            String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                    ? " (a big-endian GGUF; only little-endian files are supported)" : "";
            throw new GgufFormatException(path + " is GGUF version " + Integer.toUnsignedString(version)
                    + "; this reader supports versions 2 and 3" + hint);
        }
        long tensorCount = in.count("tensor count");
        long kvCount = in.count("metadata count");
        Map<String, GgufValue> entries = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.string();
            GgufValueType type = in.valueType(key);
            if (entries.put(key, in.value(key, type, 0)) != null) {
                throw new GgufFormatException(path + ": metadata key " + key + " appears twice");
            }
        }
        GgufMetadata metadata = new GgufMetadata(entries);
        int alignment;
        try {
            alignment = metadata.optionalInteger(ALIGNMENT_KEY).orElse(DEFAULT_ALIGNMENT);
        } catch (GgufFormatException e) {
            throw new GgufFormatException(path + ": " + e.getMessage());
        }
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new GgufFormatException(path + ": " + ALIGNMENT_KEY + " = " + alignment + " is not a power of two");
        }
        List<GgufTensorInfo> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            infos.add(in.tensorInfo());
        }
        long dataOffset = alignUp(in.position, alignment);
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo info : infos) {
            if (info.offset() < 0 || info.offset() % alignment != 0) {
                throw new GgufFormatException(path + ": tensor " + info.name() + " offset "
                        + Long.toUnsignedString(info.offset()) + " is not aligned to " + alignment);
            }
            // Compared by subtraction: offset + size can overflow a long in a corrupt file.
            long available = mapping.byteSize() - dataOffset;
            if (info.offset() > available || info.byteSize() > available - info.offset()) {
                throw new GgufFormatException(path + " is truncated: tensor " + info.name() + " needs bytes "
                        + info.offset() + ".." + Long.toUnsignedString(info.offset() + info.byteSize())
                        + " of the tensor data, which starts at byte " + dataOffset + " of a file of "
                        + mapping.byteSize() + " bytes");
            }
            if (byName.put(info.name(), info) != null) {
                throw new GgufFormatException(path + ": tensor name " + info.name() + " appears twice");
            }
        }
        return new GgufFile(path, arena, mapping, version, metadata, Collections.unmodifiableMap(byName),
                alignment, dataOffset);
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset where tensor data starts. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Tensor infos in file order. */
    public Map<String, GgufTensorInfo> tensorInfos() {
        return tensorInfos;
    }

    public boolean hasTensor(String name) {
        return tensorInfos.containsKey(name);
    }

    /** A view of the named tensor's bytes in the mapping (no copy). */
    public Tensor tensor(String name) {
        GgufTensorInfo info = tensorInfos.get(name);
        if (info == null) {
            throw new GgufFormatException(path + " has no tensor named " + name);
        }
        MemorySegment bytes = mapping.asSlice(dataOffset + info.offset(), info.byteSize());
        return new Tensor(info.name(), info.type(), info.shape(), bytes);
    }

    /** The whole mapped file (read-only). */
    public MemorySegment mapping() {
        return mapping;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Sequential little-endian reader over the mapping that turns overruns into "truncated" errors. */
    private static final class Cursor {
        /** Deeper arrays of arrays are refused rather than risking a stack overflow on a crafted file. */
        private static final int MAX_ARRAY_NESTING = 64;
        private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
        private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
        private final Path path;
        private final MemorySegment data;
        long position;

        Cursor(Path path, MemorySegment data) {
            this.path = path;
            this.data = data;
        }

        private void need(long bytes, String what) {
            if (bytes < 0 || bytes > data.byteSize() - position) {
                throw new GgufFormatException(path + " is truncated: reading " + what + " at byte " + position
                        + " needs " + Long.toUnsignedString(bytes) + " bytes but the file has " + data.byteSize());
            }
        }

        int u32() {
            need(4, "a 32-bit value");
            int v = data.get(U32, position);
            position += 4;
            return v;
        }

        long u64() {
            need(8, "a 64-bit value");
            long v = data.get(U64, position);
            position += 8;
            return v;
        }

        /** A u64 count that must fit the remaining bytes at one byte per item (a cheap sanity bound). */
        long count(String what) {
            long n = u64();
            if (n < 0 || n > data.byteSize() - position) {
                throw new GgufFormatException(path + ": " + what + " " + Long.toUnsignedString(n)
                        + " is impossible for a file of " + data.byteSize() + " bytes (corrupt or truncated)");
            }
            return n;
        }

        String string() {
            long length = u64();
            need(length, "a string of " + Long.toUnsignedString(length) + " bytes");
            if (length > Integer.MAX_VALUE - 8) {
                throw new GgufFormatException(path + ": string of " + length + " bytes at " + position + " is too long");
            }
            byte[] bytes = data.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
            position += length;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        GgufValueType valueType(String key) {
            int id = u32();
            return GgufValueType.byId(id).orElseThrow(() -> new GgufFormatException(
                    path + ": metadata " + key + " has unknown value type " + id));
        }

        GgufValue value(String key, GgufValueType type, int depth) {
            if (type != GgufValueType.ARRAY) {
                return GgufValue.of(type, scalar(key, type));
            }
            if (depth >= MAX_ARRAY_NESTING) {
                throw new GgufFormatException(path + ": metadata " + key + " nests arrays more than "
                        + MAX_ARRAY_NESTING + " deep");
            }
            GgufValueType elementType = valueType(key);
            long n = count("array length of " + key);
            if (n > Integer.MAX_VALUE - 8) {
                throw new GgufFormatException(path + ": metadata " + key + " has " + n + " elements, more than a"
                        + " Java list holds");
            }
            List<Object> elements = new ArrayList<>((int) Math.min(n, 1 << 20));
            for (long i = 0; i < n; i++) {
                elements.add(elementType == GgufValueType.ARRAY
                        ? value(key, elementType, depth + 1) : scalar(key, elementType));
            }
            return GgufValue.array(elementType, elements);
        }

        Object scalar(String key, GgufValueType type) {
            return switch (type) {
                case UINT8 -> byteAt(key) & 0xFF;
                case INT8 -> (int) byteAt(key);
                case UINT16 -> shortAt() & 0xFFFF;
                case INT16 -> (int) shortAt();
                case UINT32 -> Integer.toUnsignedLong(u32());
                case INT32 -> u32();
                case FLOAT32 -> Float.intBitsToFloat(u32());
                case BOOL -> {
                    byte b = byteAt(key);
                    if (b != 0 && b != 1) {
                        throw new GgufFormatException(path + ": metadata " + key + " has bool byte " + b);
                    }
                    yield b == 1;
                }
                case STRING -> string();
                case UINT64, INT64 -> u64();
                case FLOAT64 -> Double.longBitsToDouble(u64());
                case ARRAY -> throw new AssertionError("arrays are read by value()");
            };
        }

        private byte byteAt(String key) {
            need(1, "metadata " + key);
            return data.get(ValueLayout.JAVA_BYTE, position++);
        }

        private short shortAt() {
            need(2, "a 16-bit value");
            short v = data.get(ValueLayout.JAVA_SHORT_UNALIGNED, position);
            position += 2;
            return v;
        }

        GgufTensorInfo tensorInfo() {
            String name = string();
            int dims = u32();
            if (dims < 1 || dims > 4) {
                throw new GgufFormatException(path + ": tensor " + name + " has " + Integer.toUnsignedString(dims)
                        + " dimensions (1 to 4 allowed)");
            }
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = u64();
                if (shape[d] <= 0) {
                    throw new GgufFormatException(path + ": tensor " + name + " has dimension "
                            + Long.toUnsignedString(shape[d]));
                }
            }
            int typeId = u32();
            GgmlType type = GgmlType.byId(typeId).orElseThrow(() -> new GgufFormatException(
                    path + ": tensor " + name + " has unknown ggml type id " + Integer.toUnsignedString(typeId)));
            if (shape[0] % type.blockSize() != 0) {
                throw new GgufFormatException(path + ": tensor " + name + " has rows of " + shape[0] + " values, not a"
                        + " multiple of the " + type + " block size " + type.blockSize());
            }
            long offset = u64();
            GgufTensorInfo info;
            try {
                info = new GgufTensorInfo(name, shape, type, offset);
                info.byteSize();
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new GgufFormatException(path + ": tensor " + name + " has an impossible shape: " + e.getMessage());
            }
            return info;
        }
    }
}
