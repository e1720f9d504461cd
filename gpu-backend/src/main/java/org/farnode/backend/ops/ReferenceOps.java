package org.farnode.backend.ops;

import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.Tensor;

/**
 * The oracle: every operation as the plainest loop over dequantized values, accumulating in
 * double. Slow on purpose; every other backend is tested against it.
 */
public final class ReferenceOps implements Ops {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public void matmul(Tensor w, float[] x, float[] out, int batch) {
        int rows = w.rows();
        int cols = w.columns();
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            Dequantize.row(w, r, row, 0);
            for (int b = 0; b < batch; b++) {
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += (double) row[c] * x[b * cols + c];
                }
                out[b * rows + r] = (float) sum;
            }
        }
    }

    @Override
    public void readRow(Tensor t, int row, float[] out, int outOffset) {
        Dequantize.row(t, row, out, outOffset);
    }

    @Override
    public void rmsnorm(float[] out, float[] x, Tensor weight, int size, int batch, float eps) {
        float[] w = new float[size];
        Dequantize.row(weight, 0, w, 0);
        for (int b = 0; b < batch; b++) {
            int o = b * size;
            double squares = 0;
            for (int i = 0; i < size; i++) {
                squares += (double) x[o + i] * x[o + i];
            }
            double scale = 1.0 / Math.sqrt(squares / size + eps);
            for (int i = 0; i < size; i++) {
                out[o + i] = (float) (x[o + i] * scale * w[i]);
            }
        }
    }

    @Override
    public void rope(float[] x, int offset, int heads, int headSize, RopeTable rope, int position) {
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headSize;
            for (int pair = 0; pair < rope.ropeDimension() / 2; pair++) {
                double c = rope.cos(position, pair);
                double s = rope.sin(position, pair);
                int i = base + rope.first(pair);
                int j = base + rope.second(pair);
                double a = x[i];
                double b = x[j];
                x[i] = (float) (a * c - b * s);
                x[j] = (float) (a * s + b * c);
            }
        }
    }

    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int positions,
                          int heads, int kvHeads, int headSize, float[] out, int outOffset) {
        int kvDim = kvHeads * headSize;
        int group = heads / kvHeads;
        double[] scores = new double[positions];
        for (int h = 0; h < heads; h++) {
            int kvBase = (h / group) * headSize;
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < positions; t++) {
                double dot = 0;
                for (int i = 0; i < headSize; i++) {
                    dot += (double) q[qOffset + h * headSize + i] * keys[t * kvDim + kvBase + i];
                }
                scores[t] = dot / Math.sqrt(headSize);
                max = Math.max(max, scores[t]);
            }
            double total = 0;
            for (int t = 0; t < positions; t++) {
                scores[t] = Math.exp(scores[t] - max);
                total += scores[t];
            }
            for (int i = 0; i < headSize; i++) {
                double acc = 0;
                for (int t = 0; t < positions; t++) {
                    acc += scores[t] / total * values[t * kvDim + kvBase + i];
                }
                out[outOffset + h * headSize + i] = (float) acc;
            }
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            double g = gate[i];
            gate[i] = (float) (g / (1 + Math.exp(-g)) * up[i]);
        }
    }

    @Override
    public void add(float[] acc, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += x[i];
        }
    }

    @Override
    public void addBias(float[] x, Tensor bias, int size, int batch) {
        float[] b = new float[size];
        Dequantize.row(bias, 0, b, 0);
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < size; i++) {
                x[r * size + i] += b[i];
            }
        }
    }
}
