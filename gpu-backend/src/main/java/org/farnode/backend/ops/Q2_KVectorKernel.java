package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;
import static org.farnode.backend.ops.CpuVectors.toFloats;
import static org.farnode.backend.ops.CpuVectors.unsignedBytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.farnode.backend.tensor.Tensor;

/**
 * Q2_K weights: super-blocks of 84 bytes holding 256 values in 16 sub-blocks of 16, each with a
 * 4-bit scale and a 4-bit min in one byte (layout in {@code KQuantDequantize.q2_K}). Value
 * {@code 128n + 32j + l} is bits {@code 2j, 2j+1} of {@code qs[32n + l]}, worth
 * {@code (d·scale)·q − dmin·min}.
 *
 * <p>The loop runs over the row's groups of 32 values ({@code g = 8·block + 4n + j}) and decodes
 * each step as {@code fma(q, d·scale, −dmin·min)}: {@code (d·scale)·q} needs at most 11 + 4 + 2
 * bits, so it is exact and the fused form rounds exactly where ggml's subtraction does.
 */
final class Q2_KVectorKernel extends SuperBlockVectorKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 84;
    private static final int QUANTS = 16;
    /** Table floats per super-block: 16 scales, then 16 mins. */
    private static final int TABLE = 32;

    @Override
    public void multiplyVector(Tensor w, float[] x, float[] out, int from, int to, WorkerScratch scratch) {
        MemorySegment data = w.data();
        int columns = w.columns();
        long rowBytes = w.rowBytes();
        float[] table = scratch.tables(tableSize(columns));
        for (int r = from; r < to; r++) {
            fillTable(data, r * rowBytes, columns, table, 0);
            out[r] = dotRow(data, r * rowBytes, table, 0, x, columns);
        }
    }

    @Override
    public void multiplyBatch(Tensor w, float[] x, float[] out, int batch, int from, int to, WorkerScratch scratch) {
        MemorySegment data = w.data();
        int columns = w.columns();
        long rowBytes = w.rowBytes();
        int chunkRows = chunkRows(columns, from, to);
        float[] decoded = scratch.rows(chunkRows * columns);
        float[] table = scratch.tables(tableSize(columns));
        for (int first = from; first < to; first += chunkRows) {
            int count = Math.min(chunkRows, to - first);
            for (int i = 0; i < count; i++) {
                fillTable(data, (first + i) * rowBytes, columns, table, 0);
                dequantizeRow(data, (first + i) * rowBytes, table, 0, decoded, i * columns, columns);
            }
            VectorMatmulKernel.multiplyDecodedRows(decoded, count, columns, x, out, batch, first, w.rows());
        }
    }

    @Override
    int tableSize(int columns) {
        return columns / VALUES * TABLE;
    }

    @Override
    void fillTable(MemorySegment data, long rowOffset, int columns, float[] table, int t) {
        for (int block = 0; block < columns / VALUES; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            KQuantTables.nibbleScalesAndMins(data, at, Float.float16ToFloat(data.get(F16, at + 80)),
                    Float.float16ToFloat(data.get(F16, at + 82)), table, t + block * TABLE);
        }
    }

    /** {@code Σ_c W[row, c]·x[c]}; group {@code g} of the row covers values {@code [32g, 32g + 32)}. */
    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] x, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int group = 0; group < columns / 32; group++) {
            long quants = rowOffset + (long) (group >> 3) * BLOCK_BYTES + QUANTS + 32 * ((group >> 2) & 1);
            int shift = 2 * (group & 3);
            int t = t0 + (group >> 3) * TABLE + 2 * (group & 7);
            int xAt = 32 * group;
            for (int l = 0; l < 32; l += 2 * LANES) {
                int s0 = t + (l >> 4);
                int s1 = t + ((l + LANES) >> 4);
                FloatVector w0 = toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, shift).and(3))
                        .fma(FloatVector.broadcast(FLOATS, table[s0]), FloatVector.broadcast(FLOATS, table[s0 + 16]));
                FloatVector w1 = toFloats(unsignedBytes(data, quants + l + LANES).lanewise(VectorOperators.LSHR, shift).and(3))
                        .fma(FloatVector.broadcast(FLOATS, table[s1]), FloatVector.broadcast(FLOATS, table[s1 + 16]));
                acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xAt + l + LANES), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }

    /** The loop of {@link #dotRow}, writing the decoded steps (the expressions are repeated: a helper returning a vector may not be inlined). */
    @Override
    void dequantizeRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] dst, int dstOffset, int columns) {
        for (int group = 0; group < columns / 32; group++) {
            long quants = rowOffset + (long) (group >> 3) * BLOCK_BYTES + QUANTS + 32 * ((group >> 2) & 1);
            int t = t0 + (group >> 3) * TABLE + 2 * (group & 7);
            for (int l = 0; l < 32; l += LANES) {
                int s = t + (l >> 4);
                toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, 2 * (group & 3)).and(3))
                        .fma(FloatVector.broadcast(FLOATS, table[s]), FloatVector.broadcast(FLOATS, table[s + 16]))
                        .intoArray(dst, dstOffset + 32 * group + l);
            }
        }
    }
}
