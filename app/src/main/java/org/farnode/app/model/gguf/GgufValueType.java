package org.farnode.app.model.gguf;

import java.util.Arrays;
import java.util.Optional;

/** The metadata value types of GGUF, with their on-disk ids. */
public enum GgufValueType {
    UINT8(0), INT8(1), UINT16(2), INT16(3), UINT32(4), INT32(5), FLOAT32(6), BOOL(7), STRING(8), ARRAY(9),
    UINT64(10), INT64(11), FLOAT64(12);

    private final int id;

    GgufValueType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static Optional<GgufValueType> byId(int id) {
        return Arrays.stream(values()).filter(t -> t.id == id).findFirst();
    }
}
