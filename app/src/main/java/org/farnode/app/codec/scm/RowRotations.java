package org.farnode.app.codec.scm;

import java.util.stream.IntStream;

/**
 * Plane rotations of adjacent rows of an {@code n × n} row-major matrix, applied in the order
 * they were added but in batches.
 *
 * <p>Applying each rotation at once would stream the whole matrix through memory once per QL
 * sweep (thousands of times for n = 2048). Rotations act on every column alike, so a batch can
 * instead be applied to one narrow strip of columns at a time, all rotations in order, while that
 * strip stays in cache; strips are independent and run in parallel.
 */
final class RowRotations {

    private static final int BATCH = 1 << 16;
    private static final int STRIP_COLUMNS = 64;

    private final double[] matrix;
    private final int n;
    private final int[] upperRows = new int[BATCH]; // a rotation mixes rows i and i+1
    private final double[] cosines = new double[BATCH];
    private final double[] sines = new double[BATCH];
    private int count;

    RowRotations(double[] matrix, int n) {
        this.matrix = matrix;
        this.n = n;
    }

    /** Queues the rotation row_i ← c·row_i − s·row_{i+1}, row_{i+1} ← s·row_i + c·row_{i+1}. */
    void add(int i, double cos, double sin) {
        upperRows[count] = i;
        cosines[count] = cos;
        sines[count] = sin;
        if (++count == BATCH) {
            flush();
        }
    }

    /** Applies every queued rotation. */
    void flush() {
        int strips = (n + STRIP_COLUMNS - 1) / STRIP_COLUMNS;
        if (count == 0) {
            return;
        }
        if (strips == 1) {
            applyToStrip(0);
        } else {
            IntStream.range(0, strips).parallel().forEach(this::applyToStrip);
        }
        count = 0;
    }

    /**
     * Applies the queued rotations to columns of one strip. A QL sweep queues a chain of
     * rotations on rows (i, i+1), (i−1, i), (i−2, i−1), …; within a chain each row is final once
     * the chain has moved above it, so the row being carried upwards lives in {@code carried}
     * and every other row is read and written once per chain.
     */
    private void applyToStrip(int strip) {
        int from = strip * STRIP_COLUMNS;
        int width = Math.min(n, from + STRIP_COLUMNS) - from;
        double[] carried = new double[width];
        int r = 0;
        while (r < count) {
            int row = upperRows[r];
            System.arraycopy(matrix, (row + 1) * n + from, carried, 0, width);
            while (true) {
                int upper = row * n + from;
                DoubleKernels.rotate(matrix, upper, upper + n, carried, cosines[r], sines[r], width);
                r++;
                if (r == count || upperRows[r] != row - 1) {
                    break;
                }
                row--;
            }
            System.arraycopy(carried, 0, matrix, row * n + from, width);
        }
    }
}
