package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;
import org.farnode.backend.tensor.Tensor;

/**
 * K-quant weights (super-blocks of 256 values with many small sub-block scales), in two passes
 * per row: {@link #fillTable} turns every sub-block's packed scale (and min) into the floats
 * {@code d·scale} (and {@code −dmin·min}), then the row's decoding loop reads them from that table
 * while it unpacks the quants in registers.
 *
 * <p>Why two passes: unpacking 6-bit scales takes a dozen scalar instructions per sub-block of
 * 16 or 32 values, which inside the vector loop made it about twice as slow as Q4_0's; done for a
 * whole super-block at once with vector instructions it costs a fraction of that. Keeping the
 * decoding loop free of scale code also keeps it small enough for the JIT to inline every vector
 * operation (a larger loop hit its node limit, and a vector left un-inlined is boxed, which is ten
 * times slower). For the same reason each loop runs over the whole row rather than nesting a short
 * loop per super-block.
 *
 * <p>Each subclass decodes a step of {@link CpuVectors#LANES} values to exactly
 * {@code Dequantize}'s floats and sums in the order of {@link VectorDots}, like the other vector
 * kernels, so a row gives the same bits alone ({@code dotRow}) and in a batch
 * ({@link #dequantizeRow}, then {@link VectorDots#dot4}). The loops live in each subclass's
 * {@code dotRow}, so each type's is compiled on its own (a loop shared by two types in one model
 * runs slower, see docs/performance.md).
 */
abstract class SuperBlockVectorKernel implements MatmulKernel {
    static final int VALUES = 256;
    /**
     * Rows whose tables are filled before their products: the table pass then streams through
     * about 70 KB of weights (which stay in L2 for the product pass) instead of touching each row
     * just before its product, which left the first touch waiting on memory.
     */
    private static final int ROWS_PER_PASS = 64;

    /** Floats of table one row of {@code columns} values needs. */
    abstract int tableSize(int columns);

    /** Fills {@code table[t, t + tableSize(columns))} for the row at {@code rowOffset}. */
    abstract void fillTable(MemorySegment data, long rowOffset, int columns, float[] table, int t);

    /** {@code Σ_c W[row at rowOffset, c]·x[c]}, with the row's table at {@code table[t]}, in the order of {@link VectorDots}. */
    abstract float dotRow(MemorySegment data, long rowOffset, float[] table, int t, float[] x, int columns);

    /** Writes the row at {@code rowOffset}, whose table is at {@code table[t]}, as floats to {@code dst[dstOffset, dstOffset + columns)}. */
    abstract void dequantizeRow(MemorySegment data, long rowOffset, float[] table, int t, float[] dst, int dstOffset, int columns);

    @Override
    public final void multiplyVector(Tensor w, float[] x, float[] out, int from, int to, WorkerScratch scratch) {
        MemorySegment data = w.data();
        int columns = w.columns();
        long rowBytes = w.rowBytes();
        int perRow = tableSize(columns);
        float[] tables = scratch.tables(ROWS_PER_PASS * perRow);
        for (int first = from; first < to; first += ROWS_PER_PASS) {
            int count = Math.min(ROWS_PER_PASS, to - first);
            for (int i = 0; i < count; i++) {
                fillTable(data, (first + i) * rowBytes, columns, tables, i * perRow);
            }
            for (int i = 0; i < count; i++) {
                out[first + i] = dotRow(data, (first + i) * rowBytes, tables, i * perRow, x, columns);
            }
        }
    }

    @Override
    public final void multiplyBatch(Tensor w, float[] x, float[] out, int batch, int from, int to, WorkerScratch scratch) {
        MemorySegment data = w.data();
        int columns = w.columns();
        long rowBytes = w.rowBytes();
        int chunkRows = Math.max(1, Math.min(to - from, VectorMatmulKernel.CHUNK_FLOATS / columns));
        float[] decoded = scratch.rows(chunkRows * columns);
        float[] table = scratch.tables(tableSize(columns));
        for (int first = from; first < to; first += chunkRows) {
            int count = Math.min(chunkRows, to - first);
            for (int i = 0; i < count; i++) {
                long rowOffset = (first + i) * rowBytes;
                fillTable(data, rowOffset, columns, table, 0);
                dequantizeRow(data, rowOffset, table, 0, decoded, i * columns, columns);
            }
            VectorMatmulKernel.multiplyDecodedRows(decoded, count, columns, x, out, batch, first, w.rows());
        }
    }
}
