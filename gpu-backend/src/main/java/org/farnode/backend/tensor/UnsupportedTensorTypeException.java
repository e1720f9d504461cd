package org.farnode.backend.tensor;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/** Thrown when a tensor's type has no kernels in this build, or on one backend; the message names tensor and type. */
public final class UnsupportedTensorTypeException extends RuntimeException {
    /** No backend of this build computes {@code type}. */
    public UnsupportedTensorTypeException(String tensorName, GgmlType type) {
        super("tensor " + tensorName + " has type " + type + ", which this build cannot compute yet (supported: "
                + names(Arrays.stream(GgmlType.values()).filter(GgmlType::computable).toList()) + ")");
    }

    /** {@code backend} (say, "the Vulkan backend") computes only {@code supported}; {@code advice} says what to do instead. */
    public UnsupportedTensorTypeException(String tensorName, GgmlType type, String backend, Collection<GgmlType> supported,
                                          String advice) {
        super("tensor " + tensorName + " has type " + type + ", which " + backend + " cannot compute yet (it takes "
                + names(supported) + "; " + advice + ")");
    }

    private static String names(Collection<GgmlType> types) {
        return types.stream().map(Enum::name).collect(Collectors.joining(", "));
    }
}
