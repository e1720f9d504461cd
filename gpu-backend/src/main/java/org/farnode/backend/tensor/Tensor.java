package org.farnode.backend.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named, typed, shaped view of bytes: usually a slice of a memory-mapped model file.
 *
 * <p>Shape follows ggml: {@code shape[0]} is the contiguous row length ({@code ne0}), the product of
 * the others is the number of rows. A matrix that maps {@code in} values to {@code out} values has
 * shape {@code [in, out]}. The tensor knows nothing of devices: backends read {@link #data()}.
 */
public record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {

    public Tensor {
        shape = shape.clone();
        long elements = 1;
        for (long dim : shape) {
            if (dim <= 0) {
                throw new IllegalArgumentException("tensor " + name + ": dimension " + dim + " in " + Arrays.toString(shape));
            }
            elements = Math.multiplyExact(elements, dim);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long expected = type.bytesFor(elements);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + name + " (" + type + " " + Arrays.toString(shape)
                    + ") needs " + expected + " bytes, got " + data.byteSize());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Values per row ({@code ne0}). */
    public int columns() {
        return Math.toIntExact(shape[0]);
    }

    /** Number of rows: the product of every dimension after the first. */
    public int rows() {
        return Math.toIntExact(elementCount() / shape[0]);
    }

    public long elementCount() {
        long n = 1;
        for (long dim : shape) {
            n *= dim;
        }
        return n;
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.bytesFor(shape[0]);
    }

    /** Byte offset of row {@code row} within {@link #data()}. */
    public long rowOffset(int row) {
        return row * rowBytes();
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + type + " " + Arrays.toString(shape) + "]";
    }
}
