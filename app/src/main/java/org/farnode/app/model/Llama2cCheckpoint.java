package org.farnode.app.model;

import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A llama2.c legacy checkpoint ({@code run.c} format), memory-mapped; weights are fp32 views.
 *
 * <pre>
 * header: 7 × int32  dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len
 *         (vocab_size &lt; 0 means the classifier is stored separately; otherwise it is the embedding)
 * then fp32 arrays, matrices [out][in] row-major:
 *   tok_emb[vocab][dim], rms_att[L][dim], wq[L][dim][dim], wk[L][kvDim][dim], wv[L][kvDim][dim],
 *   wo[L][dim][dim], rms_ffn[L][dim], w1[L][hidden][dim], w2[L][dim][hidden], w3[L][hidden][dim],
 *   rms_final[dim], freq_cis_real[seq][head/2], freq_cis_imag[seq][head/2], (wcls[vocab][dim])
 * </pre>
 * RoPE base 10000 and RMSNorm epsilon 1e-5 are fixed by run.c.
 */
public final class Llama2cCheckpoint implements AutoCloseable {
    private static final int HEADER_BYTES = 7 * 4;

    private final Arena arena;
    private final LlamaWeights weights;

    private Llama2cCheckpoint(Arena arena, LlamaWeights weights) {
        this.arena = arena;
        this.weights = weights;
    }

    public static Llama2cCheckpoint open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new Llama2cCheckpoint(arena, read(path, file));
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    private static LlamaWeights read(Path path, MemorySegment file) {
        if (file.byteSize() < HEADER_BYTES) {
            throw new ModelLoadException(path + " is too short (" + file.byteSize() + " bytes) for a llama2.c checkpoint header");
        }
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) {
            h[i] = file.get(ValueLayout.JAVA_INT_UNALIGNED, 4L * i);
        }
        boolean shared = h[5] > 0;
        ModelConfig config;
        try {
            config = new ModelConfig(h[0], h[1], h[2], h[3], h[4], Math.abs(h[5]), h[6], 1e-5f, 10000f, h[0] / Math.max(1, h[3]));
        } catch (ModelLoadException e) {
            throw new ModelLoadException(path + " does not have a valid llama2.c header: " + e.getMessage());
        }
        int dim = config.embeddingLength();
        int kv = config.kvDimension();
        int hidden = config.feedForwardLength();
        int layers = config.blockCount();
        int vocab = config.vocabularySize();
        long floats = (long) vocab * dim + (long) layers * (2L * dim + 2L * dim * dim + 2L * kv * dim + 3L * hidden * dim)
                + dim + (long) config.contextLength() * config.headSize() + (shared ? 0 : (long) vocab * dim);
        long expected = HEADER_BYTES + 4 * floats;
        if (file.byteSize() < expected) {
            throw new ModelLoadException(path + " is truncated or not a llama2.c checkpoint: its header needs "
                    + expected + " bytes, the file has " + file.byteSize());
        }
        Slicer s = new Slicer(file);
        Tensor embedding = s.next("tok_emb", dim, vocab);
        Tensor[] attNorm = s.perLayer("rms_att", layers, dim, 1);
        Tensor[] wq = s.perLayer("wq", layers, dim, dim);
        Tensor[] wk = s.perLayer("wk", layers, dim, kv);
        Tensor[] wv = s.perLayer("wv", layers, dim, kv);
        Tensor[] wo = s.perLayer("wo", layers, dim, dim);
        Tensor[] ffnNorm = s.perLayer("rms_ffn", layers, dim, 1);
        Tensor[] w1 = s.perLayer("w1", layers, dim, hidden);
        Tensor[] w2 = s.perLayer("w2", layers, hidden, dim);
        Tensor[] w3 = s.perLayer("w3", layers, dim, hidden);
        Tensor finalNorm = s.next("rms_final", dim);
        s.skip((long) config.contextLength() * config.headSize()); // legacy freq_cis tables, recomputed instead
        Tensor classifier = shared ? embedding : s.next("wcls", dim, vocab);
        List<LayerWeights> blocks = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            blocks.add(new LayerWeights(attNorm[l], wq[l], wk[l], wv[l], wo[l], ffnNorm[l], w1[l], w3[l], w2[l]));
        }
        return new LlamaWeights(config, embedding, blocks, finalNorm, classifier);
    }

    public LlamaWeights weights() {
        return weights;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Hands out consecutive fp32 arrays of the checkpoint as tensors. */
    private static final class Slicer {
        private final MemorySegment file;
        private long offset = HEADER_BYTES;

        Slicer(MemorySegment file) {
            this.file = file;
        }

        Tensor next(String name, long... shape) {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            Tensor t = new Tensor(name, GgmlType.F32, shape, file.asSlice(offset, 4 * count));
            offset += 4 * count;
            return t;
        }

        Tensor[] perLayer(String name, int layers, long in, long out) {
            Tensor[] result = new Tensor[layers];
            for (int l = 0; l < layers; l++) {
                result[l] = out == 1 ? next(name + "." + l, in) : next(name + "." + l, in, out);
            }
            return result;
        }

        void skip(long floats) {
            offset += 4 * floats;
        }
    }
}
