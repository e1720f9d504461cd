package org.farnode.app.model;

import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.gguf.GgufWriter;
import org.farnode.app.model.gguf.TensorSource;
import org.farnode.backend.tensor.GgmlType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A complete Llama-family GGUF (llama, mistral or qwen2 layout) with seeded random weights, for tests and benchmarks.
 *
 * <p>Matrices hold {@link SyntheticWeights} values with standard deviation {@link #WEIGHT_STD}, each
 * stored in the type its {@link WeightRecipe} gives it; norm weights are ones in F32 (llama.cpp never quantizes 1-D tensors). The
 * same parameters and seed give a byte-identical file. Tensor names, metadata keys and the
 * tokenizer ({@link SyntheticTokenizer}) are llama.cpp's, so llama.cpp loads the file too.
 *
 * <pre>{@code
 * SyntheticLlama.tinyLlamaShape(GgmlType.Q8_0).withSeed(7).write(Path.of("tiny-q8.gguf"));
 * }</pre>
 *
 * @param embeddingLength   model width (dim); a multiple of the weight types' block size
 * @param feedForwardLength hidden width of the SwiGLU FFN; a multiple of the block size
 * @param headCountKv       key/value heads (grouped-query attention); divides {@code headCount}
 * @param weights           which type each matrix is stored in
 * @param tiedOutput        if true there is no {@code output.weight}: the LM head reuses {@code token_embd}
 * @param architecture      {@code general.architecture} and the prefix of the hyperparameter keys; {@code qwen2}
 *                          also writes F32 {@code attn_q/k/v.bias} tensors (standard deviation {@link #BIAS_STD})
 * @param ropeScaling       the RoPE scaling the file asks for, or null for none
 */
public record SyntheticLlama(int embeddingLength, int feedForwardLength, int blockCount, int headCount,
                             int headCountKv, int vocabSize, int contextLength, float ropeFreqBase,
                             float rmsEpsilon, WeightRecipe weights, boolean tiedOutput, long seed,
                             String architecture, RopeScalingSpec ropeScaling) {

    /**
     * RoPE scaling as a file states it: {@code {arch}.rope.scaling.type}, {@code .factor} and
     * {@code .original_context_length} keys, or, with {@code asTensor}, only a {@code rope_freqs.weight}
     * tensor holding the factors the Llama 3 rule gives (low/high frequency factors 1 and 4).
     */
    public record RopeScalingSpec(String type, float factor, int originalContext, boolean asTensor) {
    }

    /** Standard deviation of the qwen2 biases: large enough that a forward pass without them differs visibly. */
    public static final float BIAS_STD = 0.5f;

    public SyntheticLlama(int embeddingLength, int feedForwardLength, int blockCount, int headCount, int headCountKv,
                          int vocabSize, int contextLength, float ropeFreqBase, float rmsEpsilon, GgmlType weightType,
                          boolean tiedOutput, long seed) {
        this(embeddingLength, feedForwardLength, blockCount, headCount, headCountKv, vocabSize, contextLength, ropeFreqBase,
                rmsEpsilon, WeightRecipe.uniform(weightType), tiedOutput, seed);
    }

    /** A llama-architecture model without RoPE scaling, its matrices typed by {@code weights}. */
    public SyntheticLlama(int embeddingLength, int feedForwardLength, int blockCount, int headCount, int headCountKv,
                          int vocabSize, int contextLength, float ropeFreqBase, float rmsEpsilon, WeightRecipe weights,
                          boolean tiedOutput, long seed) {
        this(embeddingLength, feedForwardLength, blockCount, headCount, headCountKv, vocabSize, contextLength, ropeFreqBase,
                rmsEpsilon, weights, tiedOutput, seed, "llama", null);
    }

    public static final float WEIGHT_STD = 0.02f;

    public SyntheticLlama {
        if (!List.of("llama", "mistral", "qwen2").contains(architecture)) {
            throw new IllegalArgumentException("architecture must be llama, mistral or qwen2, got " + architecture);
        }
        if (ropeScaling != null && ropeScaling.asTensor() && !ropeScaling.type().equals("llama3")) {
            throw new IllegalArgumentException("only llama3 scaling is written as a rope_freqs.weight tensor, got " + ropeScaling.type());
        }
        positive("embeddingLength", embeddingLength);
        positive("feedForwardLength", feedForwardLength);
        positive("blockCount", blockCount);
        positive("headCount", headCount);
        positive("headCountKv", headCountKv);
        positive("contextLength", contextLength);
        java.util.Objects.requireNonNull(weights, "weights");
        if (embeddingLength % headCount != 0 || (embeddingLength / headCount) % 2 != 0) {
            throw new IllegalArgumentException("embeddingLength " + embeddingLength + " must split into " + headCount
                    + " heads of even size");
        }
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException("headCountKv " + headCountKv + " must divide headCount " + headCount);
        }
        if (embeddingLength % weights.blockSize() != 0 || feedForwardLength % weights.blockSize() != 0) {
            throw new IllegalArgumentException("embeddingLength " + embeddingLength + " and feedForwardLength "
                    + feedForwardLength + " must be multiples of the " + weights.name() + " block size "
                    + weights.blockSize());
        }
        if (vocabSize < SyntheticTokenizer.MIN_VOCAB) {
            throw new IllegalArgumentException("vocabSize must be at least " + SyntheticTokenizer.MIN_VOCAB
                    + " (3 specials and 256 byte tokens), got " + vocabSize);
        }
        if (!(ropeFreqBase > 0) || !(rmsEpsilon > 0)) {
            throw new IllegalArgumentException("ropeFreqBase and rmsEpsilon must be positive, got " + ropeFreqBase
                    + " and " + rmsEpsilon);
        }
    }

    /** TinyLlama 1.1B's shape: dim 2048, FFN 5632, 22 layers, 32 heads, 4 KV heads, vocab 32000, context 2048. */
    public static SyntheticLlama tinyLlamaShape(GgmlType weightType) {
        return new SyntheticLlama(2048, 5632, 22, 32, 4, 32000, 2048, 10000f, 1e-5f, weightType, false, 0);
    }

    /**
     * TinyLlama's width (dim 2048, 32 heads, 4 KV heads, vocab 32000, context 2048) with 4 layers and
     * an FFN of 512: hidden states as large as TinyLlama's for a tenth of its compute per layer, so
     * that a benchmark of links on a small machine measures the links rather than the cores.
     */
    public static SyntheticLlama wide(GgmlType weightType) {
        return new SyntheticLlama(2048, 512, 4, 32, 4, 32000, 2048, 10000f, 1e-5f, weightType, false, 0);
    }

    /** A model of a few hundred KB for unit tests: dim 64, FFN 192, 2 layers, 4 heads, 2 KV heads, vocab 300. */
    public static SyntheticLlama small(GgmlType weightType) {
        return new SyntheticLlama(64, 192, 2, 4, 2, 300, 128, 10000f, 1e-5f, weightType, false, 0);
    }

    public SyntheticLlama withSeed(long newSeed) {
        return new SyntheticLlama(embeddingLength, feedForwardLength, blockCount, headCount, headCountKv, vocabSize,
                contextLength, ropeFreqBase, rmsEpsilon, weights, tiedOutput, newSeed, architecture, ropeScaling);
    }

    public SyntheticLlama withWeightType(GgmlType type) {
        return withWeights(WeightRecipe.uniform(type));
    }

    public SyntheticLlama withWeights(WeightRecipe recipe) {
        return new SyntheticLlama(embeddingLength, feedForwardLength, blockCount, headCount, headCountKv, vocabSize,
                contextLength, ropeFreqBase, rmsEpsilon, recipe, tiedOutput, seed, architecture, ropeScaling);
    }

    public SyntheticLlama withTiedOutput(boolean tied) {
        return new SyntheticLlama(embeddingLength, feedForwardLength, blockCount, headCount, headCountKv, vocabSize,
                contextLength, ropeFreqBase, rmsEpsilon, weights, tied, seed, architecture, ropeScaling);
    }

    /** The same model under another {@code general.architecture} ({@code qwen2} adds Q/K/V biases). */
    public SyntheticLlama withArchitecture(String name) {
        return new SyntheticLlama(embeddingLength, feedForwardLength, blockCount, headCount, headCountKv, vocabSize,
                contextLength, ropeFreqBase, rmsEpsilon, weights, tiedOutput, seed, name, ropeScaling);
    }

    public SyntheticLlama withRopeScaling(RopeScalingSpec scaling) {
        return new SyntheticLlama(embeddingLength, feedForwardLength, blockCount, headCount, headCountKv, vocabSize,
                contextLength, ropeFreqBase, rmsEpsilon, weights, tiedOutput, seed, architecture, scaling);
    }

    public int headDimension() {
        return embeddingLength / headCount;
    }

    /** Writes the model to {@code path}; returns the file size in bytes. */
    public long write(Path path) throws IOException {
        return writer().write(path);
    }

    /** A writer holding this model's metadata and tensors, ready to {@link GgufWriter#write}. */
    public GgufWriter writer() {
        GgufWriter writer = new GgufWriter();
        addMetadata(writer);
        SyntheticTokenizer.addTo(writer, vocabSize);
        int kvLength = headDimension() * headCountKv;
        matrix(writer, "token_embd.weight", embeddingLength, vocabSize);
        for (int block = 0; block < blockCount; block++) {
            String p = "blk." + block + ".";
            norm(writer, p + "attn_norm.weight");
            matrix(writer, p + "attn_q.weight", embeddingLength, embeddingLength);
            matrix(writer, p + "attn_k.weight", embeddingLength, kvLength);
            matrix(writer, p + "attn_v.weight", embeddingLength, kvLength);
            if (architecture.equals("qwen2")) {
                bias(writer, p + "attn_q.bias", embeddingLength);
                bias(writer, p + "attn_k.bias", kvLength);
                bias(writer, p + "attn_v.bias", kvLength);
            }
            matrix(writer, p + "attn_output.weight", embeddingLength, embeddingLength);
            norm(writer, p + "ffn_norm.weight");
            matrix(writer, p + "ffn_gate.weight", embeddingLength, feedForwardLength);
            matrix(writer, p + "ffn_up.weight", embeddingLength, feedForwardLength);
            matrix(writer, p + "ffn_down.weight", feedForwardLength, embeddingLength);
        }
        norm(writer, "output_norm.weight");
        if (ropeScaling != null && ropeScaling.asTensor()) {
            float[] factors = RopeScaling.llama3Factors(headDimension(), ropeFreqBase, ropeScaling.factor(),
                    ropeScaling.originalContext(), 1, 4);
            writer.tensor("rope_freqs.weight", GgmlType.F32, new long[]{factors.length},
                    TensorSource.rows((row, out) -> System.arraycopy(factors, 0, out, 0, factors.length)));
        }
        if (!tiedOutput) {
            matrix(writer, "output.weight", embeddingLength, vocabSize);
        }
        return writer;
    }

    private void addMetadata(GgufWriter writer) {
        String a = architecture;
        writer.put("general.architecture", GgufValue.string(a))
                .put("general.name", GgufValue.string("synthetic-%s-%dx%d-%s-seed%d"
                        .formatted(a, embeddingLength, blockCount, weights.name(), seed)))
                .put(a + ".context_length", GgufValue.uint32(contextLength))
                .put(a + ".embedding_length", GgufValue.uint32(embeddingLength))
                .put(a + ".feed_forward_length", GgufValue.uint32(feedForwardLength))
                .put(a + ".block_count", GgufValue.uint32(blockCount))
                .put(a + ".attention.head_count", GgufValue.uint32(headCount))
                .put(a + ".attention.head_count_kv", GgufValue.uint32(headCountKv))
                .put(a + ".rope.dimension_count", GgufValue.uint32(headDimension()))
                .put(a + ".rope.freq_base", GgufValue.float32(ropeFreqBase))
                .put(a + ".attention.layer_norm_rms_epsilon", GgufValue.float32(rmsEpsilon))
                .put(a + ".vocab_size", GgufValue.uint32(vocabSize))
                .put("general.file_type", GgufValue.uint32(weights.fileType()));
        if (weights.quantized()) {
            writer.put("general.quantization_version", GgufValue.uint32(2));
        }
        if (ropeScaling != null && !ropeScaling.asTensor()) {
            writer.put(a + ".rope.scaling.type", GgufValue.string(ropeScaling.type()))
                    .put(a + ".rope.scaling.factor", GgufValue.float32(ropeScaling.factor()))
                    .put(a + ".rope.scaling.original_context_length", GgufValue.uint32(ropeScaling.originalContext()));
        }
    }

    /** A matrix mapping {@code in} values to {@code out} values: ggml shape [in, out]. */
    private void matrix(GgufWriter writer, String name, int in, int out) {
        TensorSource rows = TensorSource.rows(SyntheticWeights.normalRows(SyntheticWeights.key(seed, name), WEIGHT_STD));
        writer.tensor(name, weights.typeOf(name, blockCount), new long[]{in, out}, rows);
    }

    private void bias(GgufWriter writer, String name, int length) {
        writer.tensor(name, GgmlType.F32, new long[]{length},
                TensorSource.rows(SyntheticWeights.normalRows(SyntheticWeights.key(seed, name), BIAS_STD)));
    }

    private void norm(GgufWriter writer, String name) {
        writer.tensor(name, GgmlType.F32, new long[]{embeddingLength}, TensorSource.rows(SyntheticWeights.constantRows(1f)));
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /**
     * Writes a synthetic model and prints its size and the time taken.
     * Arguments: {@code OUT.gguf [TYPE=Q8_0] [SHAPE=tinyllama|small] [SEED=0]}. After
     * {@code mvn -pl app -am compile}:
     * <pre>
     * java -cp app/target/classes:gpu-backend/target/classes org.farnode.app.model.SyntheticLlama /tmp/tiny.gguf Q8_0
     * </pre>
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 4) {
            System.err.println("usage: SyntheticLlama OUT.gguf [" + String.join("|", WeightRecipe.names()) + "] [tinyllama|small] [SEED]");
            System.exit(2);
        }
        WeightRecipe type = WeightRecipe.parse(args.length > 1 ? args[1] : "Q8_0");
        String shape = args.length > 2 ? args[2] : "tinyllama";
        SyntheticLlama model = switch (shape) {
            case "tinyllama" -> tinyLlamaShape(GgmlType.F32).withWeights(type);
            case "small" -> small(GgmlType.F32).withWeights(type);
            default -> throw new IllegalArgumentException("unknown shape " + shape + " (tinyllama or small)");
        };
        model = model.withSeed(args.length > 3 ? Long.parseLong(args[3]) : 0);
        long start = System.nanoTime();
        long bytes = model.write(Path.of(args[0]));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "wrote %s: %,d bytes (%s, %s) in %.2f s (%.0f MB/s, %d threads)%n", args[0],
                bytes, shape, type, seconds, bytes / seconds / 1e6, Runtime.getRuntime().availableProcessors());
    }
}
