package org.farnode.backend.vulkan;

/**
 * A cooperative-matrix product the device runs on its matrix units ({@code VK_KHR_cooperative_matrix}):
 * one subgroup multiplies an {@code m × k} f16 matrix by a {@code k × n} f16 matrix and adds the
 * result to an {@code m × n} f32 accumulator. {@code subgroupSize} is the number of invocations
 * sharing that work, which the kernels need to know when they lay out their workgroups.
 */
public record CooperativeMatrixShape(int m, int n, int k, int subgroupSize) {

    public CooperativeMatrixShape {
        if (m < 1 || n < 1 || k < 1 || subgroupSize < 1) {
            throw new IllegalArgumentException("a cooperative matrix shape needs positive sizes, got "
                    + m + "x" + n + "x" + k + " with subgroups of " + subgroupSize);
        }
    }

    /** {@code MxNxK}, e.g. {@code 16x16x16}. */
    @Override
    public String toString() {
        return m + "x" + n + "x" + k + " (f16 x f16 + f32, subgroups of " + subgroupSize + ")";
    }
}
