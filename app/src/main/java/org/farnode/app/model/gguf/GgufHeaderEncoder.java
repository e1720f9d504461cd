package org.farnode.app.model.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes the part of a GGUF file before the tensor data: header, metadata and tensor infos, all
 * little-endian. Values are checked against their declared type; errors name the key.
 */
final class GgufHeaderEncoder {
    private byte[] bytes = new byte[4096];
    private int size;

    private GgufHeaderEncoder() {
    }

    /** The header bytes of a file with these entries, without the padding before the tensor data. */
    static byte[] encode(int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors) {
        GgufHeaderEncoder out = new GgufHeaderEncoder();
        out.u32(GgufFile.MAGIC);
        out.u32(version);
        out.u64(tensors.size());
        out.u64(metadata.size());
        metadata.forEach(out::keyValue);
        for (GgufTensorInfo info : tensors) {
            out.tensorInfo(info);
        }
        return Arrays.copyOf(out.bytes, out.size);
    }

    /** Throws {@link IllegalArgumentException} naming {@code key} if {@code value} cannot be written. */
    static void check(String key, GgufValue value) {
        new GgufHeaderEncoder().keyValue(key, value);
    }

    private void keyValue(String key, GgufValue value) {
        string(key);
        u32(value.type().id());
        payload(key, value);
    }

    /** A value without its type id: for arrays the element type, the length and the elements. */
    private void payload(String key, GgufValue value) {
        if (value.type() != GgufValueType.ARRAY) {
            scalar(key, value.type(), value.value());
            return;
        }
        GgufValueType elementType = value.elementType();
        List<Object> elements = value.elements();
        u32(elementType.id());
        u64(elements.size());
        for (Object element : elements) {
            if (elementType == GgufValueType.ARRAY) {
                if (!(element instanceof GgufValue nested) || nested.type() != GgufValueType.ARRAY) {
                    throw invalid(key, "an array of arrays holds a " + element.getClass().getSimpleName());
                }
                payload(key, nested);
            } else if (element instanceof GgufValue wrapped) {
                if (wrapped.type() != elementType) {
                    throw invalid(key, "an array of " + elementType + " holds a " + wrapped.type());
                }
                scalar(key, elementType, wrapped.value());
            } else {
                scalar(key, elementType, element);
            }
        }
    }

    private void scalar(String key, GgufValueType type, Object value) {
        switch (type) {
            case UINT8 -> u8((int) integer(key, type, value, 0, 0xFF));
            case INT8 -> u8((int) integer(key, type, value, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT16 -> u16((int) integer(key, type, value, 0, 0xFFFF));
            case INT16 -> u16((int) integer(key, type, value, Short.MIN_VALUE, Short.MAX_VALUE));
            case UINT32 -> u32((int) integer(key, type, value, 0, 0xFFFF_FFFFL));
            case INT32 -> u32((int) integer(key, type, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case UINT64, INT64 -> u64(integer(key, type, value, Long.MIN_VALUE, Long.MAX_VALUE));
            case FLOAT32 -> u32(Float.floatToRawIntBits(number(key, type, value).floatValue()));
            case FLOAT64 -> u64(Double.doubleToRawLongBits(number(key, type, value).doubleValue()));
            case BOOL -> u8(cast(key, type, value, Boolean.class) ? 1 : 0);
            case STRING -> string(cast(key, type, value, String.class));
            case ARRAY -> throw new AssertionError("arrays are written by payload()");
        }
    }

    private static long integer(String key, GgufValueType type, Object value, long min, long max) {
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
            throw invalid(key, type + " needs an integer, got " + describe(value));
        }
        long v = ((Number) value).longValue();
        if (v < min || v > max) {
            throw invalid(key, type + " holds " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    private static Number number(String key, GgufValueType type, Object value) {
        return cast(key, type, value, Number.class);
    }

    private static <T> T cast(String key, GgufValueType type, Object value, Class<T> javaType) {
        if (!javaType.isInstance(value)) {
            throw invalid(key, type + " needs a " + javaType.getSimpleName() + ", got " + describe(value));
        }
        return javaType.cast(value);
    }

    private static String describe(Object value) {
        return value.getClass().getSimpleName() + " " + value;
    }

    private static IllegalArgumentException invalid(String key, String problem) {
        return new IllegalArgumentException("metadata " + key + ": " + problem);
    }

    private void tensorInfo(GgufTensorInfo info) {
        string(info.name());
        long[] shape = info.shape();
        u32(shape.length);
        for (long dim : shape) {
            u64(dim);
        }
        u32(info.type().id());
        u64(info.offset());
    }

    private void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u64(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
    }

    private void u8(int v) {
        ensure(1);
        bytes[size++] = (byte) v;
    }

    private void u16(int v) {
        u8(v);
        u8(v >>> 8);
    }

    private void u32(int v) {
        u16(v);
        u16(v >>> 16);
    }

    private void u64(long v) {
        u32((int) v);
        u32((int) (v >>> 32));
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
