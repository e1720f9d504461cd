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
 * Q3_K weights: super-blocks of 110 bytes holding 256 values in 16 sub-blocks of 16, each with a
 * signed 6-bit scale (layout in {@code KQuantDequantize.q3_K}). Value {@code 128n + 32j + l} has
 * the bit pair {@code 2j} of {@code qs[32n + l]} and, as its third bit, bit {@code 4n + j} of
 * {@code hmask[l]}: {@code q = pair − (bit ? 0 : 4) = (pair | bit << 2) − 4}, worth
 * {@code (d·scale)·q}.
 *
 * <p>The loop runs over the row's groups of 32 values ({@code g = 8·block + 4n + j}, so the mask
 * bit is {@code g mod 8}); each step is the table's {@code d·scale} times {@code q}, ggml's product
 * in its order.
 */
final class Q3_KVectorKernel extends SuperBlockVectorKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 110;
    private static final int QUANTS = 32;
    private static final int SCALES = 96;
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
            KQuantTables.signedScales(data, at + SCALES, Float.float16ToFloat(data.get(F16, at + 108)), table, t + block * TABLE);
        }
    }

    /** {@code Σ_c W[row, c]·x[c]}; group {@code g} of the row covers values {@code [32g, 32g + 32)}. */
    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] x, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int group = 0; group < columns / 32; group++) {
            long at = rowOffset + (long) (group >> 3) * BLOCK_BYTES;
            long quants = at + QUANTS + 32 * ((group >> 2) & 1);
            int shift = 2 * (group & 3);
            int maskBit = group & 7;
            int t = t0 + 2 * group;
            int xAt = 32 * group;
            for (int l = 0; l < 32; l += 2 * LANES) {
                FloatVector w0 = toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, shift).and(3)
                        .or(unsignedBytes(data, at + l).lanewise(VectorOperators.LSHR, maskBit).and(1).lanewise(VectorOperators.LSHL, 2))
                        .sub(4)).mul(table[t + (l >> 4)]);
                FloatVector w1 = toFloats(unsignedBytes(data, quants + l + LANES).lanewise(VectorOperators.LSHR, shift).and(3)
                        .or(unsignedBytes(data, at + l + LANES).lanewise(VectorOperators.LSHR, maskBit).and(1).lanewise(VectorOperators.LSHL, 2))
                        .sub(4)).mul(table[t + ((l + LANES) >> 4)]);
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
            long at = rowOffset + (long) (group >> 3) * BLOCK_BYTES;
            long quants = at + QUANTS + 32 * ((group >> 2) & 1);
            for (int l = 0; l < 32; l += LANES) {
                toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, 2 * (group & 3)).and(3)
                        .or(unsignedBytes(data, at + l).lanewise(VectorOperators.LSHR, group & 7).and(1).lanewise(VectorOperators.LSHL, 2))
                        .sub(4)).mul(table[t0 + 2 * group + (l >> 4)]).intoArray(dst, dstOffset + 32 * group + l);
            }
        }
    }
}
