package org.farnode.backend.ops;

import org.farnode.backend.tensor.Tensor;

/**
 * The operations a Llama transformer layer needs, one line of math each.
 *
 * <p>Activations are plain {@code float[]} arrays laid out row-major: a batch of {@code n} vectors
 * of length {@code d} occupies {@code [b·d, (b+1)·d)} for {@code b < n}. Weights are {@link Tensor}s
 * (views of a mapped file), read in their stored type. Every implementation is checked against
 * {@link ReferenceOps} by the backend conformance tests. Implementations write only their outputs.
 */
public interface Ops extends AutoCloseable {

    /** Human-readable name of the implementation, for logs and benchmarks. */
    String name();

    /**
     * Matrix times a batch of vectors: {@code out[b·R + r] = Σ_c W[r,c] · x[b·C + c]} for
     * {@code r < R = w.rows()}, {@code c < C = w.columns()}, {@code b < batch}.
     */
    void matmul(Tensor w, float[] x, float[] out, int batch);

    /** Row {@code row} of {@code t}, dequantized: {@code out[outOffset + c] = T[row, c]}. */
    void readRow(Tensor t, int row, float[] out, int outOffset);

    /**
     * RMS normalisation of each of {@code batch} vectors of length {@code size}:
     * {@code out[i] = x[i] / sqrt(mean(x²) + eps) · weight[i]}.
     */
    void rmsnorm(float[] out, float[] x, Tensor weight, int size, int batch, float eps);

    /**
     * Rotary embedding of each head's pairs {@code i < ropeDim/2}, paired as the table's {@link RopeStyle} says
     * ({@code (2i, 2i+1)} or {@code (i, i+ropeDim/2)}): {@code (a, b) ← (a·cos − b·sin, a·sin + b·cos)} with
     * {@code cos, sin} of the table's angle for {@code (position, i)}.
     */
    void rope(float[] x, int offset, int heads, int headSize, RopeTable rope, int position);

    /**
     * Causal multi-head attention for one query position with grouped KV heads:
     * {@code out_h = Σ_{t<positions} softmax_t(q_h·k_{t,g(h)} / √headSize) · v_{t,g(h)}},
     * where {@code g(h) = h / (heads / kvHeads)}; keys and values are stored {@code [t][kvHeads·headSize]}.
     */
    void attention(float[] q, int qOffset, float[] keys, float[] values, int positions,
                   int heads, int kvHeads, int headSize, float[] out, int outOffset);

    /** SwiGLU gate, in place: {@code gate[i] = gate[i] / (1 + e^(-gate[i])) · up[i]} for {@code i < n}. */
    void swiglu(float[] gate, float[] up, int n);

    /** Residual add, in place: {@code acc[i] += x[i]} for {@code i < n}. */
    void add(float[] acc, float[] x, int n);

    /** Bias add to each of {@code batch} rows, in place: {@code x[b·size + i] += bias[i]} for {@code i < size}. */
    void addBias(float[] x, Tensor bias, int size, int batch);

    /** Frees what the implementation holds (threads, device memory); the ops are unusable afterwards. */
    @Override
    default void close() {
    }
}
