package org.farnode.app.model.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The key/value metadata of a GGUF file, in file order, with typed getters that name the key on error. */
public final class GgufMetadata {
    private final Map<String, GgufValue> entries;

    public GgufMetadata(Map<String, GgufValue> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public Map<String, GgufValue> entries() {
        return entries;
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public String string(String key) {
        return optionalString(key).orElseThrow(() -> missing(key));
    }

    public Optional<String> optionalString(String key) {
        return get(key).map(v -> cast(key, v.value(), String.class));
    }

    /** Any integer-typed value that fits an int. */
    public int integer(String key) {
        return optionalInteger(key).orElseThrow(() -> missing(key));
    }

    public Optional<Integer> optionalInteger(String key) {
        return get(key).map(v -> {
            if (!(v.value() instanceof Number n) || v.value() instanceof Float || v.value() instanceof Double) {
                throw new GgufFormatException("metadata " + key + " should be an integer but is " + v.type());
            }
            long value = n.longValue();
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new GgufFormatException("metadata " + key + " = " + value + " is out of int range");
            }
            return (int) value;
        });
    }

    /** Any numeric value, as a float. */
    public Optional<Float> optionalFloat(String key) {
        return get(key).map(v -> {
            if (!(v.value() instanceof Number n)) {
                throw new GgufFormatException("metadata " + key + " should be a number but is " + v.type());
            }
            return n.floatValue();
        });
    }

    public Optional<Boolean> optionalBoolean(String key) {
        return get(key).map(v -> cast(key, v.value(), Boolean.class));
    }

    public List<Object> array(String key) {
        GgufValue v = get(key).orElseThrow(() -> missing(key));
        if (v.type() != GgufValueType.ARRAY) {
            throw new GgufFormatException("metadata " + key + " should be an array but is " + v.type());
        }
        return v.elements();
    }

    public String[] stringArray(String key) {
        return array(key).stream().map(o -> cast(key, o, String.class)).toArray(String[]::new);
    }

    public float[] floatArray(String key) {
        List<Object> list = array(key);
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cast(key, list.get(i), Number.class).floatValue();
        }
        return out;
    }

    public int[] intArray(String key) {
        List<Object> list = array(key);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cast(key, list.get(i), Number.class).intValue();
        }
        return out;
    }

    private static <T> T cast(String key, Object value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new GgufFormatException("metadata " + key + " should hold " + type.getSimpleName()
                    + " values but holds " + value.getClass().getSimpleName());
        }
        return type.cast(value);
    }

    private static GgufFormatException missing(String key) {
        return new GgufFormatException("metadata key " + key + " is missing");
    }
}
