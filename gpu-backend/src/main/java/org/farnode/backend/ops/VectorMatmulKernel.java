package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;
import org.farnode.backend.tensor.Tensor;

/**
 * The shape of every vector matmul kernel: a single vector streams each weight row once through
 * {@link #dotRow}; a batch dequantizes a few rows at a time into scratch and multiplies them by
 * four vectors at once ({@link VectorDots#dot4}), so each weight is decoded once per batch
 * instead of once per vector. Both paths follow the summation order of {@link VectorDots}, so a
 * vector's result does not depend on the batch it came in.
 */
abstract class VectorMatmulKernel implements MatmulKernel {
    /** Dequantized rows kept per chunk: enough to reuse each loaded input tile, small enough for L2. */
    static final int CHUNK_FLOATS = 32 * 1024;
    private static final int TILE = 4;

    /** {@code Σ_c W[row at rowOffset, c] · x[xOffset + c]}, in the order of {@link VectorDots}. */
    abstract float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns);

    /** Writes the row at {@code rowOffset} as floats to {@code dst[dstOffset, dstOffset + columns)}. */
    abstract void dequantizeRow(MemorySegment data, long rowOffset, float[] dst, int dstOffset, int columns);

    @Override
    public final void multiplyVector(Tensor w, float[] x, float[] out, int from, int to, WorkerScratch scratch) {
        MemorySegment data = w.data();
        int columns = w.columns();
        long rowBytes = w.rowBytes();
        for (int r = from; r < to; r++) {
            out[r] = dotRow(data, r * rowBytes, x, 0, columns);
        }
    }

    @Override
    public final void multiplyBatch(Tensor w, float[] x, float[] out, int batch, int from, int to, WorkerScratch scratch) {
        MemorySegment data = w.data();
        int columns = w.columns();
        long rowBytes = w.rowBytes();
        int rows = w.rows();
        int chunkRows = Math.max(1, Math.min(to - from, CHUNK_FLOATS / columns));
        float[] decoded = scratch.rows(chunkRows * columns);
        for (int first = from; first < to; first += chunkRows) {
            int count = Math.min(chunkRows, to - first);
            for (int i = 0; i < count; i++) {
                dequantizeRow(data, (first + i) * rowBytes, decoded, i * columns, columns);
            }
            multiplyDecodedRows(decoded, count, columns, x, out, batch, first, rows);
        }
    }

    /**
     * {@code out[b·rows + first + i] = Σ_c decoded[i·columns + c] · x[b·columns + c]} for
     * {@code i < count}, {@code b < batch}: already dequantized rows times the batch, four vectors
     * at a time, in the order of {@link VectorDots}.
     */
    static void multiplyDecodedRows(float[] decoded, int count, int columns, float[] x, float[] out, int batch, int first,
                                    int rows) {
        int b = 0;
        for (; b + TILE <= batch; b += TILE) {
            for (int i = 0; i < count; i++) {
                VectorDots.dot4(decoded, i * columns, x, b * columns, columns, columns, out, b * rows + first + i, rows);
            }
        }
        for (; b < batch; b++) {
            for (int i = 0; i < count; i++) {
                out[b * rows + first + i] = VectorDots.dot(decoded, i * columns, x, b * columns, columns);
            }
        }
    }
}
