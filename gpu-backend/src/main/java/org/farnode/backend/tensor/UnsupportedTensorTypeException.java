package org.farnode.backend.tensor;

/** Thrown when a tensor's type has no kernels in this build; the message names tensor and type. */
public final class UnsupportedTensorTypeException extends RuntimeException {
    public UnsupportedTensorTypeException(String tensorName, GgmlType type) {
        super("tensor " + tensorName + " has type " + type + ", which this build cannot compute yet (supported: "
                + java.util.Arrays.stream(GgmlType.values()).filter(GgmlType::computable).map(Enum::name)
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
    }
}
