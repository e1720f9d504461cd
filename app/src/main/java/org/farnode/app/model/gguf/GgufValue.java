package org.farnode.app.model.gguf;

import java.util.List;
import java.util.Objects;

/**
 * One metadata value as stored: its GGUF type and a Java value.
 *
 * <p>Scalars map to the narrowest Java type that holds them without loss: UINT8/INT8/UINT16/INT16/INT32
 * to {@link Integer}, UINT32/INT64/UINT64 to {@link Long} (UINT64 keeps its bits), FLOAT32 to
 * {@link Float}, FLOAT64 to {@link Double}, BOOL to {@link Boolean}, STRING to {@link String}.
 * An ARRAY holds {@code elementType} and a {@code List<Object>} of such Java values (nested arrays
 * are {@code GgufValue}s).
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public GgufValue {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("an element type is given exactly for arrays");
        }
    }

    public static GgufValue of(GgufValueType type, Object value) {
        return new GgufValue(type, null, value);
    }

    public static GgufValue uint8(int value) {
        return of(GgufValueType.UINT8, value);
    }

    public static GgufValue int8(int value) {
        return of(GgufValueType.INT8, value);
    }

    public static GgufValue uint16(int value) {
        return of(GgufValueType.UINT16, value);
    }

    public static GgufValue int16(int value) {
        return of(GgufValueType.INT16, value);
    }

    /** A UINT64; values above {@code Long.MAX_VALUE} are given by their bits (a negative long). */
    public static GgufValue uint64(long value) {
        return of(GgufValueType.UINT64, value);
    }

    public static GgufValue int64(long value) {
        return of(GgufValueType.INT64, value);
    }

    public static GgufValue float64(double value) {
        return of(GgufValueType.FLOAT64, value);
    }

    public static GgufValue string(String value) {
        return of(GgufValueType.STRING, value);
    }

    public static GgufValue uint32(long value) {
        return of(GgufValueType.UINT32, value);
    }

    public static GgufValue int32(int value) {
        return of(GgufValueType.INT32, value);
    }

    public static GgufValue float32(float value) {
        return of(GgufValueType.FLOAT32, value);
    }

    public static GgufValue bool(boolean value) {
        return of(GgufValueType.BOOL, value);
    }

    public static GgufValue array(GgufValueType elementType, List<?> elements) {
        return new GgufValue(GgufValueType.ARRAY, elementType, List.copyOf(elements));
    }

    /** The elements of an ARRAY value. */
    @SuppressWarnings("unchecked")
    public List<Object> elements() {
        if (type != GgufValueType.ARRAY) {
            throw new IllegalStateException("not an array but " + type);
        }
        return (List<Object>) value;
    }
}
