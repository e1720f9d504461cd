package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;
import static org.farnode.backend.ops.CpuVectors.toFloats;
import static org.farnode.backend.ops.CpuVectors.byteWords;
import static org.farnode.backend.ops.CpuVectors.widenBytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.farnode.backend.tensor.Tensor;

/**
 * Q6_K weights: super-blocks of 210 bytes holding 256 values in 16 sub-blocks of 16, each with a
 * signed byte scale (layout in {@code KQuantDequantize.q6_K}). Value {@code 128n + 32k + l} takes
 * its low four bits from nibble {@code k/2} of {@code ql[64n + 32(k%2) + l]} and its high two
 * from bits {@code 2k, 2k+1} of {@code qh[32n + l]}, and is worth {@code (d·scale)·(q − 32)}.
 *
 * <p>The loop runs over the row's groups of 32 values ({@code g = 8·block + 4n + k}). Unlike the
 * other K-quants, {@code (d·scale)·q} can need 25 significant bits, so the kernel keeps ggml's
 * order exactly: the table holds {@code d·scale} and each step is that times {@code q − 32}.
 */
final class Q6_KVectorKernel extends SuperBlockVectorKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 210;
    private static final int HIGH_BITS = 128;
    private static final int SCALES = 192;
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
            KQuantTables.byteScales(data, at + SCALES, Float.float16ToFloat(data.get(F16, at + 208)), table, t + block * TABLE);
        }
    }

    /**
     * {@code Σ_c W[row, c]·x[c]}; group {@code g} of the row covers values {@code [32g, 32g + 32)}.
     * The 6-bit quants are put together four bytes per int ({@link CpuVectors#byteWords}) and only
     * then widened: this type needs more bit work per value than any other.
     */
    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] x, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int group = 0; group < columns / 32; group++) {
            long at = rowOffset + (long) (group >> 3) * BLOCK_BYTES;
            int n = (group >> 2) & 1;
            int k = group & 3;
            long low = at + 64 * n + 32 * (k & 1);
            long high = at + HIGH_BITS + 32 * n;
            int lowShift = 4 * (k >> 1);
            // bits 2k, 2k+1 of each byte moved to bits 4, 5, without losing the top byte's bits off the word
            int highLeft = Math.max(0, 4 - 2 * k);
            int highRight = Math.max(0, 2 * k - 4);
            int t = t0 + 2 * group;
            int xAt = 32 * group;
            for (int l = 0; l < 32; l += 2 * LANES) {
                FloatVector w0 = toFloats(widenBytes(byteWords(data, low + l).lanewise(VectorOperators.LSHR, lowShift).and(0x0F0F0F0F)
                        .or(byteWords(data, high + l).lanewise(VectorOperators.LSHL, highLeft).lanewise(VectorOperators.LSHR, highRight).and(0x30303030)))
                        .sub(32)).mul(table[t + (l >> 4)]);
                FloatVector w1 = toFloats(widenBytes(byteWords(data, low + l + LANES).lanewise(VectorOperators.LSHR, lowShift).and(0x0F0F0F0F)
                        .or(byteWords(data, high + l + LANES).lanewise(VectorOperators.LSHL, highLeft).lanewise(VectorOperators.LSHR, highRight).and(0x30303030)))
                        .sub(32)).mul(table[t + ((l + LANES) >> 4)]);
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
            int n = (group >> 2) & 1;
            int k = group & 3;
            long low = at + 64 * n + 32 * (k & 1);
            long high = at + HIGH_BITS + 32 * n;
            int highLeft = Math.max(0, 4 - 2 * k);
            int highRight = Math.max(0, 2 * k - 4);
            for (int l = 0; l < 32; l += LANES) {
                toFloats(widenBytes(byteWords(data, low + l).lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and(0x0F0F0F0F)
                        .or(byteWords(data, high + l).lanewise(VectorOperators.LSHL, highLeft).lanewise(VectorOperators.LSHR, highRight).and(0x30303030)))
                        .sub(32)).mul(table[t0 + 2 * group + (l >> 4)]).intoArray(dst, dstOffset + 32 * group + l);
            }
        }
    }
}
