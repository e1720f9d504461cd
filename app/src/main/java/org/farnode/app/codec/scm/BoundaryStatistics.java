package org.farnode.app.codec.scm;

import java.util.stream.IntStream;

/**
 * Running sums over the hidden-state vectors seen at one layer boundary: enough to give the mean,
 * the per-dimension root-mean-square and the covariance that {@link BoundaryFit} needs.
 *
 * <p>The covariance comes from the raw second moments Σx·xᵀ, summed in double. Inputs are floats
 * (24-bit mantissas) and the sums have 53 bits, so the cancellation in Σx·xᵀ/N − μ·μᵀ leaves about
 * ten significant digits even where the mean is a thousand times the spread. Only the lower
 * triangle (j ≤ i) of Σx·xᵀ is summed; for width 2048 it still takes 32 MiB.
 *
 * <p>Not thread-safe: one thread adds, then another may read after a happens-before edge.
 */
public final class BoundaryStatistics {

    /** Vectors converted to double and summed together, so each triangle row is loaded once per window. */
    private static final int WINDOW_ROWS = 32;

    private final int boundary;
    private final int width;
    private long count;
    private final double[] sums; // width
    private final double[] sumsOfSquares; // width
    private final double[] maxAbs; // width
    private final double[] outerProducts; // width × width row-major, Σx·xᵀ; only j ≤ i is kept

    /**
     * Empty statistics for the hidden states entering layer {@code boundary}, {@code width} values each.
     */
    public BoundaryStatistics(int boundary, int width) {
        if (boundary < 0) {
            throw new IllegalArgumentException("boundary must be >= 0, got " + boundary);
        }
        if (width < 1 || width > 46_340) {
            throw new IllegalArgumentException("width must be in [1, 46340], got " + width);
        }
        this.boundary = boundary;
        this.width = width;
        this.sums = new double[width];
        this.sumsOfSquares = new double[width];
        this.maxAbs = new double[width];
        this.outerProducts = new double[width * width];
    }

    /** Adds the vector {@code values[offset .. offset + width)}. */
    public void add(float[] values, int offset) {
        addRows(values, offset, 1);
    }

    /**
     * Adds {@code rows} vectors stored one after another from {@code values[offset]}, as a batch of
     * positions from one forward pass is. All or none are added: a NaN or infinity anywhere in the
     * window is rejected before anything is summed.
     */
    public void addRows(float[] values, int offset, int rows) {
        if (rows < 0 || offset < 0 || (long) offset + (long) rows * width > values.length) {
            throw new IllegalArgumentException(rows + " rows of " + width + " values from offset " + offset
                    + " do not fit in an array of " + values.length);
        }
        checkFinite(values, offset, rows);
        double[] window = new double[Math.min(rows, WINDOW_ROWS) * width];
        for (int first = 0; first < rows; first += WINDOW_ROWS) {
            int windowRows = Math.min(WINDOW_ROWS, rows - first);
            int from = offset + first * width;
            for (int i = 0; i < windowRows * width; i++) {
                window[i] = values[from + i];
            }
            addWindow(window, windowRows);
        }
    }

    /** Adds everything {@code other} has seen (same boundary and width). */
    public void merge(BoundaryStatistics other) {
        if (other.boundary != boundary || other.width != width) {
            throw new IllegalArgumentException("cannot merge statistics of boundary " + other.boundary + " (width "
                    + other.width + ") into boundary " + boundary + " (width " + width + ")");
        }
        count += other.count;
        for (int j = 0; j < width; j++) {
            sums[j] += other.sums[j];
            sumsOfSquares[j] += other.sumsOfSquares[j];
            maxAbs[j] = Math.max(maxAbs[j], other.maxAbs[j]);
        }
        ParallelRows.forEach(0, width, i -> DoubleKernels.addScaled(outerProducts, i * width, 1,
                other.outerProducts, i * width, i + 1));
    }

    /** The layer index the hidden states enter. */
    public int boundary() {
        return boundary;
    }

    /** Values per vector. */
    public int width() {
        return width;
    }

    /** Vectors added so far. */
    public long count() {
        return count;
    }

    /** Per-dimension mean. */
    public double[] mean() {
        requireSamples();
        double[] mean = new double[width];
        for (int j = 0; j < width; j++) {
            mean[j] = sums[j] / count;
        }
        return mean;
    }

    /** Per-dimension root-mean-square about zero, √(Σx²/N): the typical magnitude, mean included. */
    public double[] rootMeanSquare() {
        requireSamples();
        double[] rms = new double[width];
        for (int j = 0; j < width; j++) {
            rms[j] = Math.sqrt(sumsOfSquares[j] / count);
        }
        return rms;
    }

    /** Per-dimension largest |x| seen. */
    public double[] maxAbs() {
        return maxAbs.clone();
    }

    /** The largest |x| seen in any dimension. */
    public double overallMaxAbs() {
        double largest = 0;
        for (double x : maxAbs) {
            largest = Math.max(largest, x);
        }
        return largest;
    }

    /** The population covariance Σ(x − μ)(x − μ)ᵀ/N of all dimensions, {@code width × width} row-major. */
    public double[] covariance() {
        return covariance(IntStream.range(0, width).toArray());
    }

    /**
     * The population covariance among the given dimensions only (ascending, within the width):
     * {@code dimensions.length} squared values, row-major, entry [a][b] for dimensions[a] and dimensions[b].
     */
    public double[] covariance(int[] dimensions) {
        requireSamples();
        for (int a = 0; a < dimensions.length; a++) {
            if (dimensions[a] < 0 || dimensions[a] >= width || (a > 0 && dimensions[a] <= dimensions[a - 1])) {
                throw new IllegalArgumentException("dimensions must be ascending and within [0, " + width + "), got "
                        + dimensions[a] + " at " + a);
            }
        }
        double[] mean = mean();
        int k = dimensions.length;
        double[] covariance = new double[k * k];
        ParallelRows.forEach(0, k, a -> {
            int i = dimensions[a];
            for (int b = 0; b <= a; b++) {
                int j = dimensions[b];
                // i ≥ j because dimensions ascend, so [i][j] is in the summed triangle.
                double value = outerProducts[i * width + j] / count - mean[i] * mean[j];
                covariance[a * k + b] = value;
                covariance[b * k + a] = value;
            }
        });
        return covariance;
    }

    private void addWindow(double[] window, int rows) {
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                double x = window[row + j];
                sums[j] += x;
                sumsOfSquares[j] += x * x;
                maxAbs[j] = Math.max(maxAbs[j], Math.abs(x));
            }
        }
        // Row i of the triangle gets Σ_r x_r[i]·x_r[0..i]; rows of the triangle are independent.
        ParallelRows.forEach(0, width, i -> {
            for (int r = 0; r < rows; r++) {
                DoubleKernels.addScaled(outerProducts, i * width, window[r * width + i], window, r * width, i + 1);
            }
        });
        count += rows;
    }

    private void checkFinite(float[] values, int offset, int rows) {
        for (int i = 0; i < rows * width; i++) {
            if (!Float.isFinite(values[offset + i])) {
                throw new IllegalArgumentException("value " + values[offset + i] + " in row " + (i / width) + ", dimension "
                        + (i % width) + " of boundary " + boundary);
            }
        }
    }

    private void requireSamples() {
        if (count == 0) {
            throw new IllegalStateException("no vectors added at boundary " + boundary);
        }
    }
}
