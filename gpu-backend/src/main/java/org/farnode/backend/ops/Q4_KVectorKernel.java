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
 * Q4_K weights: super-blocks of 144 bytes holding 256 values in 8 sub-blocks of 32 (layout in
 * {@code KQuantDequantize.q4_K}). Sub-blocks {@code 2p} and {@code 2p+1} of a super-block share 32
 * quant bytes: value {@code l} of the first is the low nibble {@code q} of byte {@code l}, of the
 * second the high nibble, and each is worth {@code (d·scale)·q − dmin·min}.
 *
 * <p>The loop runs over those pairs of sub-blocks and decodes each step of
 * {@link CpuVectors#LANES} values as {@code fma(q, d·scale, −dmin·min)}, with the two factors from
 * the row's table (see {@link SuperBlockVectorKernel}). That is exactly ggml's two roundings:
 * {@code d·scale} needs at most 11 + 6 bits and {@code (d·scale)·q} at most 21, so the product is
 * exact in float and only the subtraction rounds, once, as in the fused form.
 */
final class Q4_KVectorKernel extends SuperBlockVectorKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QUANTS = 16;
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

    /** {@code Σ_c W[row, c]·x[c]}; pair {@code p} of the row covers values {@code [64p, 64p + 64)}. */
    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] x, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int pair = 0; pair < columns / 64; pair++) {
            long quants = rowOffset + (long) (pair >> 2) * BLOCK_BYTES + QUANTS + 32 * (pair & 3);
            int t = t0 + (pair >> 2) * TABLE + 2 * (pair & 3);
            int xAt = 64 * pair;
            FloatVector scale = FloatVector.broadcast(FLOATS, table[t]);
            FloatVector offset = FloatVector.broadcast(FLOATS, table[t + 8]);
            for (int l = 0; l < 32; l += 2 * LANES) {
                FloatVector w0 = toFloats(unsignedBytes(data, quants + l).and(15)).fma(scale, offset);
                FloatVector w1 = toFloats(unsignedBytes(data, quants + l + LANES).and(15)).fma(scale, offset);
                acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xAt + l + LANES), acc1);
            }
            scale = FloatVector.broadcast(FLOATS, table[t + 1]);
            offset = FloatVector.broadcast(FLOATS, table[t + 9]);
            for (int l = 0; l < 32; l += 2 * LANES) {
                FloatVector w0 = toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, 4)).fma(scale, offset);
                FloatVector w1 = toFloats(unsignedBytes(data, quants + l + LANES).lanewise(VectorOperators.LSHR, 4)).fma(scale, offset);
                acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xAt + 32 + l), acc0);
                acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xAt + 32 + l + LANES), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }

    /** The loop of {@link #dotRow}, writing the decoded steps (the expressions are repeated: a helper returning a vector may not be inlined). */
    @Override
    void dequantizeRow(MemorySegment data, long rowOffset, float[] table, int t0, float[] dst, int dstOffset, int columns) {
        for (int pair = 0; pair < columns / 64; pair++) {
            long quants = rowOffset + (long) (pair >> 2) * BLOCK_BYTES + QUANTS + 32 * (pair & 3);
            int t = t0 + (pair >> 2) * TABLE + 2 * (pair & 3);
            int o = dstOffset + 64 * pair;
            FloatVector lowScale = FloatVector.broadcast(FLOATS, table[t]);
            FloatVector lowOffset = FloatVector.broadcast(FLOATS, table[t + 8]);
            FloatVector highScale = FloatVector.broadcast(FLOATS, table[t + 1]);
            FloatVector highOffset = FloatVector.broadcast(FLOATS, table[t + 9]);
            for (int l = 0; l < 32; l += LANES) {
                toFloats(unsignedBytes(data, quants + l).and(15)).fma(lowScale, lowOffset).intoArray(dst, o + l);
                toFloats(unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, 4)).fma(highScale, highOffset)
                        .intoArray(dst, o + 32 + l);
            }
        }
    }
}
