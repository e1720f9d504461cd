package org.farnode.app.bench;

import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Sampler;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.backend.ops.Ops;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures prefill and decode speed of a model on one backend, the way generation runs them:
 * the gateway embeds and samples, one local shard runs every layer.
 */
public final class InferenceBenchmark {
    private final LlamaWeights weights;
    private final Ops ops;
    private final ShardRunner shard;
    private final GatewayModel gateway;

    /** Everything on the CPU {@code ops}. */
    public InferenceBenchmark(LlamaWeights weights, Ops ops) {
        this(weights, ops, new GatewayModel(weights, ops), new ShardRunner(weights, LayerRange.all(weights.config().blockCount()), ops));
    }

    /** The gateway half as {@code gateway} (its CPU part on {@code gatewayOps}), every layer on {@code shard} (which may be on a GPU). */
    public InferenceBenchmark(LlamaWeights weights, Ops gatewayOps, GatewayModel gateway, ShardRunner shard) {
        this.weights = weights;
        this.ops = gatewayOps;
        this.gateway = gateway;
        this.shard = shard;
    }

    /** Throws a one-line explanation if these settings cannot be run on this model. */
    public void checkSettings(int promptTokens, int decodeTokens, int repetitions) {
        checkSettings(weights, promptTokens, decodeTokens, repetitions);
    }

    /** {@link #checkSettings(int, int, int)} before a benchmark exists, so a command can refuse before starting a backend. */
    public static void checkSettings(LlamaWeights weights, int promptTokens, int decodeTokens, int repetitions) {
        if (promptTokens < 1 || decodeTokens < 1 || repetitions < 1) {
            throw new IllegalArgumentException("--prompt-tokens, --decode-tokens and --runs must all be at least 1 (got "
                    + promptTokens + ", " + decodeTokens + ", " + repetitions + ")");
        }
        int context = weights.config().contextLength();
        if (promptTokens + decodeTokens > context) {
            throw new IllegalArgumentException("prompt + decode tokens (" + (promptTokens + decodeTokens)
                    + ") exceed the model's context of " + context);
        }
    }

    /** Times of {@code repetitions} runs, each a prefill of {@code promptTokens} then {@code decodeTokens} greedy steps. */
    public Result run(int promptTokens, int decodeTokens, int repetitions, Consumer<String> progress) {
        checkSettings(promptTokens, decodeTokens, repetitions);
        int[] prompt = syntheticPrompt(promptTokens);
        Map<OpTimer.Op, Long> lastDecodeOps = null;
        long lastDecodeNanos = 0;
        double[] prefill = new double[repetitions];
        double[] decode = new double[repetitions];
        // Rep -1 warms up: it faults the weights into the page cache and, being a whole run, lets the
        // JIT compile every kernel with the profile of real prefill and decode (a short warm-up
        // left element-wise ops interpreted or half-compiled and cost decode about a tenth).
        for (int rep = -1; rep < repetitions; rep++) {
            ShardSession session = shard.openSession();
            long start = System.nanoTime();
            float[] logits = gateway.logits(session.forward(0, gateway.embed(prompt)).last());
            long prefillNanos = System.nanoTime() - start;
            int vocab = weights.config().vocabularySize();
            int steps = decodeTokens;
            if (ops instanceof OpTimer timer) {
                timer.reset();
            }
            start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                int next = Sampler.argmax(logits, 0, vocab);
                HiddenStates x = session.forward(promptTokens + i, gateway.embed(new int[]{next}));
                logits = gateway.logits(x);
            }
            long decodeNanos = System.nanoTime() - start;
            if (ops instanceof OpTimer timer) {
                lastDecodeOps = timer.nanosByOp();
                lastDecodeNanos = decodeNanos;
            }
            session.close();
            if (rep >= 0) {
                prefill[rep] = promptTokens * 1e9 / prefillNanos;
                decode[rep] = steps * 1e9 / decodeNanos;
                progress.accept(String.format("run %d/%d: prefill %.1f tokens/s, decode %.2f tokens/s",
                        rep + 1, repetitions, prefill[rep], decode[rep]));
            } else {
                progress.accept("warm-up done");
            }
        }
        OpBreakdown breakdown = lastDecodeOps == null ? null
                : new OpBreakdown(lastDecodeOps, lastDecodeNanos, decodeTokens);
        return new Result(promptTokens, decodeTokens, prefill, decode, weights.bytesReadPerToken(), breakdown);
    }

    /** Deterministic ids spread over the vocabulary (past the special and byte tokens when it is large enough). */
    private int[] syntheticPrompt(int length) {
        int vocab = weights.config().vocabularySize();
        int first = vocab > 300 ? 259 : 0;
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = first + (int) ((i * 7919L) % (vocab - first));
        }
        return ids;
    }

    /**
     * Where the last run's decode steps spent their time, when the backend was an {@link OpTimer}.
     *
     * @param nanosByOp   time inside each operation, over all steps
     * @param totalNanos  wall time of all steps; what no operation accounts for is the gateway's
     *                    and shard's own bookkeeping (sampling, copies, allocation)
     * @param steps       decode steps timed
     */
    public record OpBreakdown(Map<OpTimer.Op, Long> nanosByOp, long totalNanos, int steps) {
        public long otherNanos() {
            return totalNanos - nanosByOp.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Tokens per second of every run, the weight bytes one decoded token reads, and the op breakdown if timed. */
    public record Result(int promptTokens, int decodeTokens, double[] prefillTokensPerSecond,
                         double[] decodeTokensPerSecond, long bytesReadPerToken, OpBreakdown decodeBreakdown) {

        public double medianPrefill() {
            return median(prefillTokensPerSecond);
        }

        public double medianDecode() {
            return median(decodeTokensPerSecond);
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }
}
