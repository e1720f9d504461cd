package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;
import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.Tensor;

/**
 * Every supported type without vectors: each row is decoded once by {@link Dequantize} and
 * multiplied by every vector of the batch with {@link ScalarDots#dot}. Correct everywhere, fast
 * nowhere; it is the fallback and the second opinion in tests.
 */
final class ScalarMatmulKernel implements MatmulKernel {

    @Override
    public void multiplyVector(Tensor w, float[] x, float[] out, int from, int to, WorkerScratch scratch) {
        float[] row = scratch.rows(w.columns());
        MemorySegment data = w.data();
        for (int r = from; r < to; r++) {
            Dequantize.values(w.name(), w.type(), data, w.rowOffset(r), w.columns(), row, 0);
            out[r] = ScalarDots.dot(row, 0, x, 0, w.columns());
        }
    }

    @Override
    public void multiplyBatch(Tensor w, float[] x, float[] out, int batch, int from, int to, WorkerScratch scratch) {
        MemorySegment data = w.data();
        int columns = w.columns();
        int rows = w.rows();
        float[] row = scratch.rows(columns);
        for (int r = from; r < to; r++) {
            Dequantize.values(w.name(), w.type(), data, w.rowOffset(r), columns, row, 0);
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = ScalarDots.dot(row, 0, x, b * columns, columns);
            }
        }
    }
}
