package org.farnode.app.codec;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SCM codec's two products over a window: coefficients = ((h − mean) · basisᵀ) / scales, and
 * h = mean + (coefficients · scales) · basis. At a real model's width these dominate a hop's codec
 * time (a 400-position window at width 2048 and full rank is 1.7 G multiply-adds each way), so
 * positions go in tiles that share each basis row while it is in the L1 cache, on the machine's
 * vector shape, the tiles spread over the cores.
 *
 * <p>Sums keep one float partial per lane, added in lane order rather than with
 * {@code reduceLanes} (whose order is unspecified), so a result has the same bits however the
 * code was compiled. Float partial sums over a few thousand terms are far finer than the 8- or
 * 16-bit quantization that follows.
 */
final class ProjectionKernels {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    /** Positions that share each basis row: 8 rows of a 2048-wide window are 64 KB, held in L2. */
    private static final int TILE = 8;
    /** Below this many multiply-adds the work stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 22;

    private ProjectionKernels() {
    }

    /** coefficients[p·rank + i] = Σ_j basis[i·width + j]·(h[p·width + j] − mean[j]) / scales[i]. */
    static float[] project(float[] h, int positions, int width, float[] mean, float[] basis, float[] scales, int rank) {
        float[] centered = new float[positions * width];
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < width; j++) {
                centered[p * width + j] = h[p * width + j] - mean[j];
            }
        }
        float[] coefficients = new float[positions * rank];
        forEachTile(positions, (long) positions * width * rank, first -> {
            int last = Math.min(positions, first + TILE);
            for (int i = 0; i < rank; i++) {
                for (int p = first; p < last; p++) {
                    coefficients[p * rank + i] = dot(basis, i * width, centered, p * width, width) / scales[i];
                }
            }
        });
        return coefficients;
    }

    /** h[p·width + j] = mean[j] + Σ_i coefficients[p·rank + i]·scales[i]·basis[i·width + j]. */
    static float[] reconstruct(float[] coefficients, int positions, int width, float[] mean, float[] basis, float[] scales, int rank) {
        float[] h = new float[positions * width];
        forEachTile(positions, (long) positions * width * rank, first -> {
            int last = Math.min(positions, first + TILE);
            for (int p = first; p < last; p++) {
                System.arraycopy(mean, 0, h, p * width, width);
            }
            for (int i = 0; i < rank; i++) {
                for (int p = first; p < last; p++) {
                    addScaled(h, p * width, coefficients[p * rank + i] * scales[i], basis, i * width, width);
                }
            }
        });
        return h;
    }

    private static void forEachTile(int positions, long work, IntConsumer tile) {
        IntStream firsts = IntStream.iterate(0, p -> p < positions, p -> p + TILE);
        (work >= PARALLEL_WORK ? firsts.parallel() : firsts).forEach(tile);
    }

    private static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int vectorEnd = length - length % LANES;
        FloatVector sums = FloatVector.zero(FLOATS);
        for (int j = 0; j < vectorEnd; j += LANES) {
            sums = FloatVector.fromArray(FLOATS, a, aOffset + j).fma(FloatVector.fromArray(FLOATS, b, bOffset + j), sums);
        }
        float sum = 0;
        for (int lane = 0; lane < LANES; lane++) {
            sum += sums.lane(lane);
        }
        for (int j = vectorEnd; j < length; j++) {
            sum += a[aOffset + j] * b[bOffset + j];
        }
        return sum;
    }

    private static void addScaled(float[] y, int yOffset, float t, float[] x, int xOffset, int length) {
        int vectorEnd = length - length % LANES;
        FloatVector scale = FloatVector.broadcast(FLOATS, t);
        for (int j = 0; j < vectorEnd; j += LANES) {
            FloatVector.fromArray(FLOATS, x, xOffset + j).fma(scale, FloatVector.fromArray(FLOATS, y, yOffset + j))
                    .intoArray(y, yOffset + j);
        }
        for (int j = vectorEnd; j < length; j++) {
            y[yOffset + j] += t * x[xOffset + j];
        }
    }
}
