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
 * Q5_K weights: super-blocks of 176 bytes, Q4_K's layout plus 32 bytes {@code qh} whose bit
 * {@code s} of byte {@code l} is the fifth bit (worth 16) of value {@code l} of sub-block
 * {@code s} (layout in {@code KQuantDequantize.q5_K}).
 *
 * <p>Decoded like {@link Q4_KVectorKernel}, sub-block by sub-block, as
 * {@code fma(q, d·scale, −dmin·min)}: exactly ggml's value, since {@code (d·scale)·q} needs at
 * most 11 + 6 + 5 bits.
 */
final class Q5_KVectorKernel extends SuperBlockVectorKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 176;
    private static final int SCALES = 4;
    private static final int HIGH_BITS = 16;
    private static final int QUANTS = 48;
    /** Table floats per super-block: 8 scales, then 8 mins. */
    private static final int TABLE = 16;

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
            KQuantTables.scalesAndMins(data, at + SCALES, Float.float16ToFloat(data.get(F16, at)),
                    Float.float16ToFloat(data.get(F16, at + 2)), table, t + block * TABLE);
        }
    }

    /**
     * {@code Σ_c W[row, c]·x[c]}; sub-block {@code s} of the row covers values {@code [32s, 32s + 32)}.
     * One loop over sub-blocks with variable shifts, rather than Q4_K's pairs with constant ones:
     * the fifth bits double the work per step, and the pair loop grew too large for the JIT to inline.
     */
    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] x, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int sub = 0; sub < columns / 32; sub++) {
            long at = rowOffset + (long) (sub >> 3) * BLOCK_BYTES;
            long quants = at + QUANTS + 32 * ((sub >> 1) & 3);
            int nibble = 4 * (sub & 1);
            int bit = sub & 7;
            int t = t0 + (sub >> 3) * TABLE + bit;
            FloatVector scale = FloatVector.broadcast(FLOATS, table[t]);
            FloatVector offset = FloatVector.broadcast(FLOATS, table[t + 8]);
            int xAt = 32 * sub;
            for (int l = 0; l < 32; l += 2 * LANES) {
                FloatVector w0 = toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, nibble).and(15)
                        .or(unsignedBytes(data, at + HIGH_BITS + l).lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 4)))
                        .fma(scale, offset);
                FloatVector w1 = toFloats(unsignedBytes(data, quants + l + LANES).lanewise(VectorOperators.LSHR, nibble).and(15)
                        .or(unsignedBytes(data, at + HIGH_BITS + l + LANES).lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 4)))
                        .fma(scale, offset);
                acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xAt + l + LANES), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }

    /** The loop of {@link #dotRow}, writing the decoded steps (the expressions are repeated: a helper returning a vector may not be inlined). */
    @Override
    void dequantizeRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] dst, int dstOffset, int columns) {
        for (int sub = 0; sub < columns / 32; sub++) {
            long at = rowOffset + (long) (sub >> 3) * BLOCK_BYTES;
            long quants = at + QUANTS + 32 * ((sub >> 1) & 3);
            int bit = sub & 7;
            int t = t0 + (sub >> 3) * TABLE + bit;
            FloatVector scale = FloatVector.broadcast(FLOATS, table[t]);
            FloatVector offset = FloatVector.broadcast(FLOATS, table[t + 8]);
            for (int l = 0; l < 32; l += LANES) {
                toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, 4 * (sub & 1)).and(15)
                        .or(unsignedBytes(data, at + HIGH_BITS + l).lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 4)))
                        .fma(scale, offset).intoArray(dst, dstOffset + 32 * sub + l);
            }
        }
    }
}
