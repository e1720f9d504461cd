package org.farnode.app.model.gguf;

import org.farnode.backend.tensor.GgmlType;

/** A tensor's entry in the GGUF header: {@code offset} is relative to the start of the tensor data. */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset) {
    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }
}
