package org.farnode.backend.ops;

/**
 * Reference products of a small dense f32 matrix {@code A} ({@code rows × columns}, row-major:
 * {@code A[i][j] = a[i·columns + j]}) with a batch of vectors, summed in double and rounded once.
 * These are the two halves of a projection codec: {@link #project} takes
 * {@code c = P·(h − mean)} and {@link #reconstruct} gives back {@code h ≈ mean + Pᵀ·c}.
 * Vectors are packed: vector {@code b} of length {@code L} at {@code [b·L, (b+1)·L)}.
 */
public final class SmallMatmul {
    private SmallMatmul() {
    }

    /**
     * {@code y[b][i] = Σ_j A[i][j]·(x[b][j] − offset[j])} for {@code i < rows, b < batch}; a null
     * {@code offset} is all zeros. x holds vectors of {@code columns}, y of {@code rows}.
     */
    public static void project(float[] a, int rows, int columns, float[] x, float[] offset, float[] y, int batch) {
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < rows; i++) {
                double sum = 0;
                for (int j = 0; j < columns; j++) {
                    sum += (double) a[i * columns + j] * ((double) x[b * columns + j] - (offset == null ? 0 : offset[j]));
                }
                y[b * rows + i] = (float) sum;
            }
        }
    }

    /**
     * {@code y[b][j] = offset[j] + Σ_i A[i][j]·x[b][i]} for {@code j < columns, b < batch}; a null
     * {@code offset} is all zeros. x holds vectors of {@code rows}, y of {@code columns}.
     */
    public static void reconstruct(float[] a, int rows, int columns, float[] x, float[] offset, float[] y, int batch) {
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < columns; j++) {
                double sum = offset == null ? 0 : offset[j];
                for (int i = 0; i < rows; i++) {
                    sum += (double) a[i * columns + j] * x[b * rows + i];
                }
                y[b * columns + j] = (float) sum;
            }
        }
    }
}
