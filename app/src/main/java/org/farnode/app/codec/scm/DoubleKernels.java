package org.farnode.app.codec.scm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of the eigen-decomposition over flat {@code double[]} rows, on the machine's
 * preferred vector shape with a scalar tail.
 *
 * <p>C2 does not vectorize a floating-point sum on its own (it may not reorder the additions),
 * and a serial sum waits one add latency per element; {@link #dot} therefore keeps one partial
 * sum per lane. The lanes are added in index order, never with {@code reduceLanes}, whose order
 * is unspecified, so a result has the same bits whether the method runs interpreted or compiled.
 */
final class DoubleKernels {

    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = DOUBLES.length();

    private DoubleKernels() {
    }

    /** Σ a[aOffset + j]·b[bOffset + j] over j in [0, length). */
    static double dot(double[] a, int aOffset, double[] b, int bOffset, int length) {
        int vectorEnd = length - length % LANES;
        DoubleVector sums = DoubleVector.zero(DOUBLES);
        for (int j = 0; j < vectorEnd; j += LANES) {
            sums = DoubleVector.fromArray(DOUBLES, a, aOffset + j).fma(DoubleVector.fromArray(DOUBLES, b, bOffset + j), sums);
        }
        double sum = 0;
        for (int lane = 0; lane < LANES; lane++) {
            sum += sums.lane(lane);
        }
        for (int j = vectorEnd; j < length; j++) {
            sum += a[aOffset + j] * b[bOffset + j];
        }
        return sum;
    }

    /** y[yOffset + j] −= t·x[xOffset + j] over j in [0, length); y and x must not overlap. */
    static void subtractScaled(double[] y, int yOffset, double t, double[] x, int xOffset, int length) {
        int vectorEnd = length - length % LANES;
        DoubleVector scale = DoubleVector.broadcast(DOUBLES, -t);
        for (int j = 0; j < vectorEnd; j += LANES) {
            DoubleVector.fromArray(DOUBLES, x, xOffset + j).fma(scale, DoubleVector.fromArray(DOUBLES, y, yOffset + j))
                    .intoArray(y, yOffset + j);
        }
        for (int j = vectorEnd; j < length; j++) {
            y[yOffset + j] -= t * x[xOffset + j];
        }
    }

    /** y[yOffset + j] += t·x[xOffset + j] over j in [0, length); y and x must not overlap. */
    static void addScaled(double[] y, int yOffset, double t, double[] x, int xOffset, int length) {
        subtractScaled(y, yOffset, -t, x, xOffset, length);
    }

    /**
     * y[yOffset + j] −= s·u[uOffset + j] + t·x[xOffset + j] over j in [0, length): the symmetric
     * rank-2 update of one row. y must overlap neither u nor x.
     */
    static void subtractTwoScaled(double[] y, int yOffset, double s, double[] u, int uOffset, double t, double[] x, int xOffset,
            int length) {
        int vectorEnd = length - length % LANES;
        DoubleVector uScale = DoubleVector.broadcast(DOUBLES, -s);
        DoubleVector xScale = DoubleVector.broadcast(DOUBLES, -t);
        for (int j = 0; j < vectorEnd; j += LANES) {
            DoubleVector row = DoubleVector.fromArray(DOUBLES, y, yOffset + j);
            row = DoubleVector.fromArray(DOUBLES, u, uOffset + j).fma(uScale, row);
            row = DoubleVector.fromArray(DOUBLES, x, xOffset + j).fma(xScale, row);
            row.intoArray(y, yOffset + j);
        }
        for (int j = vectorEnd; j < length; j++) {
            y[yOffset + j] -= s * u[uOffset + j] + t * x[xOffset + j];
        }
    }

    /**
     * One plane rotation in a chain over rows (see {@link RowRotations}): with a = the row at
     * {@code upperOffset} and b = {@code carried} (the current value of the row below it), stores
     * s·a + c·b at {@code lowerOffset} and leaves c·a − s·b in {@code carried}.
     */
    static void rotate(double[] rows, int upperOffset, int lowerOffset, double[] carried, double c, double s, int length) {
        int vectorEnd = length - length % LANES;
        for (int j = 0; j < vectorEnd; j += LANES) {
            DoubleVector a = DoubleVector.fromArray(DOUBLES, rows, upperOffset + j);
            DoubleVector b = DoubleVector.fromArray(DOUBLES, carried, j);
            a.mul(s).add(b.mul(c)).intoArray(rows, lowerOffset + j);
            a.mul(c).sub(b.mul(s)).intoArray(carried, j);
        }
        for (int j = vectorEnd; j < length; j++) {
            double a = rows[upperOffset + j];
            double b = carried[j];
            rows[lowerOffset + j] = s * a + c * b;
            carried[j] = c * a - s * b;
        }
    }
}
