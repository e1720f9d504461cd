package org.farnode.app.model;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;

/**
 * An independent forward pass for tests: plain loops in double over the F32 tensors of a GGUF,
 * reading the file's own keys and tensors, sharing no code with the engine's forward pass (no
 * {@code Ops}, no {@code RopeTable}, no {@code ModelConfig}). RoPE pairs are {@code (2i, 2i+1)}, or
 * {@code (i, i + d/2)} when {@code neox}; pair {@code i} turns by
 * {@code (pos / positionScale) · base^(-2i/d) / factor[i]}.
 */
final class Float64Llama {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgufFile file;
    private final String arch;
    private final boolean neox;
    private final boolean biases;
    private final double[] factors;
    private final double positionScale;
    private final int dim;
    private final int ffn;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int headSize;
    private final int vocab;
    private final double eps;
    private final double base;
    private final double[][] keyCache;
    private final double[][] valueCache;
    private int position;

    Float64Llama(GgufFile file, boolean neox, boolean biases, double[] factors, double positionScale, int maxPositions) {
        this.file = file;
        this.arch = file.metadata().string("general.architecture");
        this.neox = neox;
        this.biases = biases;
        this.factors = factors;
        this.positionScale = positionScale;
        var meta = file.metadata();
        dim = meta.integer(arch + ".embedding_length");
        ffn = meta.integer(arch + ".feed_forward_length");
        layers = meta.integer(arch + ".block_count");
        heads = meta.integer(arch + ".attention.head_count");
        kvHeads = meta.integer(arch + ".attention.head_count_kv");
        headSize = dim / heads;
        vocab = meta.integer(arch + ".vocab_size");
        eps = meta.optionalFloat(arch + ".attention.layer_norm_rms_epsilon").orElseThrow();
        base = meta.optionalFloat(arch + ".rope.freq_base").orElseThrow();
        keyCache = new double[layers][maxPositions * kvHeads * headSize];
        valueCache = new double[layers][maxPositions * kvHeads * headSize];
    }

    /** The factors of {@code rope_freqs.weight}, in double. */
    static double[] ropeFreqs(GgufFile file) {
        return values(file.tensor("rope_freqs.weight"));
    }

    /** Feeds the next token; returns its logits. */
    double[] next(int token) {
        int kvDim = kvHeads * headSize;
        double[] x = new double[dim];
        double[] embedding = values(file.tensor("token_embd.weight"));
        System.arraycopy(embedding, token * dim, x, 0, dim);
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            double[] h = rmsnorm(x, values(file.tensor(p + "attn_norm.weight")));
            double[] q = product(p + "attn_q.weight", h, dim);
            double[] k = product(p + "attn_k.weight", h, kvDim);
            double[] v = product(p + "attn_v.weight", h, kvDim);
            if (biases) {
                addInPlace(q, values(file.tensor(p + "attn_q.bias")));
                addInPlace(k, values(file.tensor(p + "attn_k.bias")));
                addInPlace(v, values(file.tensor(p + "attn_v.bias")));
            }
            for (int head = 0; head < heads; head++) {
                rotate(q, head * headSize);
            }
            for (int head = 0; head < kvHeads; head++) {
                rotate(k, head * headSize);
            }
            System.arraycopy(k, 0, keyCache[l], position * kvDim, kvDim);
            System.arraycopy(v, 0, valueCache[l], position * kvDim, kvDim);
            double[] attended = new double[dim];
            for (int head = 0; head < heads; head++) {
                int kvBase = head / (heads / kvHeads) * headSize;
                double[] weights = new double[position + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= position; t++) {
                    double dot = 0;
                    for (int i = 0; i < headSize; i++) {
                        dot += q[head * headSize + i] * keyCache[l][t * kvDim + kvBase + i];
                    }
                    weights[t] = dot / Math.sqrt(headSize);
                    max = Math.max(max, weights[t]);
                }
                double total = 0;
                for (int t = 0; t <= position; t++) {
                    weights[t] = Math.exp(weights[t] - max);
                    total += weights[t];
                }
                for (int t = 0; t <= position; t++) {
                    for (int i = 0; i < headSize; i++) {
                        attended[head * headSize + i] += weights[t] / total * valueCache[l][t * kvDim + kvBase + i];
                    }
                }
            }
            addInPlace(x, product(p + "attn_output.weight", attended, dim));
            h = rmsnorm(x, values(file.tensor(p + "ffn_norm.weight")));
            double[] gate = product(p + "ffn_gate.weight", h, ffn);
            double[] up = product(p + "ffn_up.weight", h, ffn);
            for (int i = 0; i < ffn; i++) {
                gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
            }
            addInPlace(x, product(p + "ffn_down.weight", gate, dim));
        }
        position++;
        double[] normed = rmsnorm(x, values(file.tensor("output_norm.weight")));
        return product(file.hasTensor("output.weight") ? "output.weight" : "token_embd.weight", normed, vocab);
    }

    private void rotate(double[] v, int at) {
        int half = headSize / 2;
        for (int i = 0; i < half; i++) {
            double angle = position / positionScale * Math.pow(base, -2.0 * i / headSize) / (factors == null ? 1 : factors[i]);
            int a = neox ? at + i : at + 2 * i;
            int b = neox ? at + i + half : at + 2 * i + 1;
            double x = v[a];
            double y = v[b];
            v[a] = x * Math.cos(angle) - y * Math.sin(angle);
            v[b] = x * Math.sin(angle) + y * Math.cos(angle);
        }
    }

    private double[] rmsnorm(double[] x, double[] weight) {
        double squares = 0;
        for (double value : x) {
            squares += value * value;
        }
        double scale = 1 / Math.sqrt(squares / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    /** {@code W·x} for a matrix of ggml shape {@code [x.length, rows]}: row r holds values {@code r·in .. r·in + in − 1}. */
    private double[] product(String name, double[] x, int rows) {
        double[] w = values(file.tensor(name));
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < x.length; c++) {
                sum += w[r * x.length + c] * x[c];
            }
            out[r] = sum;
        }
        return out;
    }

    private static void addInPlace(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }

    private static double[] values(Tensor t) {
        if (t.type() != GgmlType.F32) {
            throw new IllegalArgumentException("the float64 reference reads F32 tensors only, " + t.name() + " is " + t.type());
        }
        double[] out = new double[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.data().getAtIndex(F32, i);
        }
        return out;
    }
}
