package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;

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
 * ({@link #dequantizeRow}, then {@link VectorDots#dot4}).
 *
 * <p>Each subclass has its own copy of the short {@code multiplyVector} and {@code multiplyBatch}
 * loops. Shared here, the loops would call two types' methods in a Q4_K_M model (Q4_K and Q6_K),
 * and the JIT then inlined both types' table and decode code into them, overflowed its node
 * budget and left vector operations boxed: prefill ran at half speed.
 */
abstract class SuperBlockVectorKernel implements MatmulKernel {
    static final int VALUES = 256;

    /** Floats of table one row of {@code columns} values needs. */
    abstract int tableSize(int columns);

    /** Fills {@code table[t, t + tableSize(columns))} for the row at {@code rowOffset}. */
    abstract void fillTable(MemorySegment data, long rowOffset, int columns, float[] table, int t);

    /** {@code Σ_c W[row at rowOffset, c]·x[c]}, with the row's table at {@code table[t]}, in the order of {@link VectorDots}. */
    abstract float dotRow(MemorySegment data, long rowOffset, float[] table, int t, float[] x, int columns);

    /** Writes the row at {@code rowOffset}, whose table is at {@code table[t]}, as floats to {@code dst[dstOffset, dstOffset + columns)}. */
    abstract void dequantizeRow(MemorySegment data, long rowOffset, float[] table, int t, float[] dst, int dstOffset, int columns);

    /** Chunk of rows whose decoded floats are reused by every vector of a batch (see {@link VectorMatmulKernel}). */
    static int chunkRows(int columns, int from, int to) {
        return Math.max(1, Math.min(to - from, VectorMatmulKernel.CHUNK_FLOATS / columns));
    }
}
