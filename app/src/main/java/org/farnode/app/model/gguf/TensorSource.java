package org.farnode.app.model.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Where {@link GgufWriter} takes a tensor's stored bytes from. */
public sealed interface TensorSource {

    /**
     * Fills {@code out} (length {@code ne0}) with the values of row {@code row}; the writer encodes
     * them to the tensor's type. Called from several threads at once, in no particular order, so it
     * must be a pure function of {@code row}.
     */
    @FunctionalInterface
    interface RowFunction {
        void fill(long row, float[] out);
    }

    /** Float rows, encoded on the fly with {@code Quantize.values}. */
    record FloatRows(RowFunction rows) implements TensorSource {
        public FloatRows {
            Objects.requireNonNull(rows, "rows");
        }
    }

    /** The stored bytes as they are, e.g. a slice of another mapped GGUF file. */
    record RawBytes(MemorySegment bytes) implements TensorSource {
        public RawBytes {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * All-zero bytes. The writer only moves its file position past them, so on file systems with
     * sparse files they take no disk space. For F32/F16/BF16/Q8_0 that is every value 0.0.
     */
    record Zeros() implements TensorSource {
    }

    static TensorSource rows(RowFunction rows) {
        return new FloatRows(rows);
    }

    static TensorSource bytes(MemorySegment bytes) {
        return new RawBytes(bytes);
    }

    static TensorSource zeros() {
        return new Zeros();
    }
}
