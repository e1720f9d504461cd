package org.farnode.backend.vulkan;

/**
 * How {@code matvec.comp} splits a single-vector product: {@code threads} per workgroup, each
 * workgroup taking {@code rows} consecutive rows. Which shape streams weights fastest depends on
 * the device, so it can be set with {@code -Dfar.vulkan.matvec=THREADSxROWS} (e.g. {@code 64x4})
 * and compared with {@code GpuMatmulBenchmark}.
 */
public record MatvecShape(int threads, int rows) {
    public static final String PROPERTY = "far.vulkan.matvec";
    /** The shape used unless {@link #PROPERTY} says otherwise: among the fastest for both Q8_0 and Q4_0 on an H200 (docs/performance.md). */
    public static final MatvecShape DEFAULT = new MatvecShape(128, 4);

    public MatvecShape {
        if (threads < 8 || threads > 1024 || Integer.bitCount(threads) != 1 || rows < 1 || rows > 16) {
            throw new IllegalArgumentException("a matvec shape takes a power of two from 8 to 1024 threads and 1 to 16 rows, got "
                    + threads + " threads and " + rows + " rows");
        }
    }

    /** {@code THREADSxROWS}, e.g. {@code 64x4}. */
    public static MatvecShape parse(String text) {
        String[] parts = text.trim().split("x");
        try {
            if (parts.length == 2) {
                return new MatvecShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException ignored) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException("a matvec shape is THREADSxROWS, e.g. 64x4; got '" + text + "'");
    }

    /** {@link #PROPERTY} when set, else {@link #DEFAULT}. */
    public static MatvecShape configured() {
        String value = System.getProperty(PROPERTY);
        return value == null || value.isBlank() ? DEFAULT : parse(value);
    }

    /** Workgroups for a matrix of {@code matrixRows} rows. */
    int groups(int matrixRows) {
        return (matrixRows + rows - 1) / rows;
    }

    @Override
    public String toString() {
        return threads + "x" + rows;
    }
}
