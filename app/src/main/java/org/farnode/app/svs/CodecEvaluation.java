package org.farnode.app.svs;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.codec.CodecHop;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Sampler;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;

/**
 * What a hidden-state codec costs in quality and saves in bytes, measured on a model split into
 * hops: every window goes through the codec into each hop and back, as between a gateway and its
 * nodes. Against the uncompressed run it measures greedy-token agreement and the KL divergence of
 * next-token distributions on given token sequences (teacher-forced: each position sees the same
 * history in both runs, so one disagreement does not change what follows), and perplexity on
 * held-out text. Windows are one position, as in decoding, unless a run asks for more.
 */
public final class CodecEvaluation {
    private final GatewayModel gateway;
    private final List<ShardRunner> hops = new ArrayList<>();

    /** The model split at {@code splits} (each a hop), computed with {@code ops}. */
    public CodecEvaluation(LlamaWeights weights, org.farnode.backend.ops.Ops ops, List<LayerRange> splits) {
        this.gateway = new GatewayModel(weights, ops);
        LayerRange.requireChain(splits, weights.config().blockCount());
        for (LayerRange range : splits) {
            hops.add(new ShardRunner(weights, range, ops));
        }
    }

    /** Next-token logits after every position of {@code tokens} through {@code codec}, one position per window. */
    public Run run(int[] tokens, HiddenStateCodec codec) {
        return run(tokens, codec, 1);
    }

    /**
     * As {@link #run(int[], HiddenStateCodec)} with windows of {@code window} positions (the last
     * may be shorter), as a prefill chunk or a speculative window travels.
     */
    public Run run(int[] tokens, HiddenStateCodec codec, int window) {
        return run(tokens, codec, window, Sending.AS_IS);
    }

    /**
     * What the gateway does to a window just before it encodes it for the hop that starts at
     * {@code boundary}: nothing ({@link #AS_IS}), or a defence such as added noise.
     */
    @FunctionalInterface
    public interface Sending {
        Sending AS_IS = (boundary, window) -> window;

        HiddenStates prepare(int boundary, HiddenStates window);
    }

    /** As {@link #run(int[], HiddenStateCodec, int)}, with {@code sending} applied to every window the gateway sends into a hop. */
    public Run run(int[] tokens, HiddenStateCodec codec, int window, Sending sending) {
        if (window < 1) {
            throw new IllegalArgumentException("a window holds at least one position, got " + window);
        }
        try (Route route = new Route(codec, sending)) {
            float[][] logits = new float[tokens.length][];
            for (int start = 0; start < tokens.length; start += window) {
                int[] part = java.util.Arrays.copyOfRange(tokens, start, Math.min(tokens.length, start + window));
                float[] flat = route.window(start, part);
                int vocab = flat.length / part.length;
                for (int i = 0; i < part.length; i++) {
                    logits[start + i] = java.util.Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
                }
            }
            return new Run(logits, route.bytes(), route.crossings());
        }
    }

    /** One session through every hop, each behind the codec. */
    private final class Route implements AutoCloseable {
        private final List<CodecHop> stages = new ArrayList<>();
        private final Sending sending;

        Route(HiddenStateCodec codec, Sending sending) {
            this.sending = sending;
            for (ShardRunner hop : hops) {
                stages.add(new CodecHop(hop.openSession(), codec));
            }
        }

        float[] step(int position, int token) {
            return window(position, new int[] {token});
        }

        /** Logits of every position of the window, position-major. */
        float[] window(int start, int[] tokens) {
            HiddenStates states = gateway.embed(tokens);
            for (CodecHop stage : stages) {
                states = stage.forward(start, sending.prepare(stage.layers().start(), states));
            }
            return gateway.logits(states);
        }

        long bytes() {
            return stages.stream().mapToLong(s -> s.bytesIn() + s.bytesOut()).sum();
        }

        long crossings() {
            return stages.stream().mapToLong(s -> 2 * s.positions()).sum();
        }

        @Override
        public void close() {
            stages.forEach(CodecHop::close);
        }
    }

    /**
     * Logits per position and the payload bytes of every crossing (into a hop or back out of it);
     * {@code bytes / crossings} is the bytes one position costs on one hop in one direction.
     */
    public record Run(float[][] logits, long bytes, long crossings) {
        public double bytesPerCrossing() {
            return (double) bytes / crossings;
        }
    }

    /** Greedy tokens after {@code prompt} until {@code length} tokens in all, with the uncompressed route. */
    public int[] greedy(int[] prompt, int length) {
        int[] tokens = java.util.Arrays.copyOf(prompt, length);
        try (Route route = new Route(new Fp32Codec(), Sending.AS_IS)) {
            for (int p = 0; p + 1 < length; p++) {
                float[] logits = route.step(p, tokens[p]);
                if (p + 1 >= prompt.length) {
                    tokens[p + 1] = Sampler.argmax(logits, 0, logits.length);
                }
            }
        }
        return tokens;
    }

    /** Comparisons of one codec's run with the reference's on the same tokens, from position {@code from} on. */
    public static final class Tally {
        private long agreements;
        private long compared;
        private double klSum;
        private double nllSum;
        private long predicted;

        /** Positions {@code from..} of runs on {@code tokens}: argmax agreement and KL(reference ‖ codec). */
        public void compare(Run reference, Run codec, int from) {
            for (int p = from; p < reference.logits().length; p++) {
                float[] r = reference.logits()[p];
                float[] c = codec.logits()[p];
                if (Sampler.argmax(r, 0, r.length) == Sampler.argmax(c, 0, c.length)) {
                    agreements++;
                }
                compared++;
                klSum += klDivergence(r, c);
            }
        }

        /** The negative log-likelihood of each next token of {@code tokens} under {@code run}. */
        public void score(Run run, int[] tokens) {
            for (int p = 0; p + 1 < tokens.length; p++) {
                nllSum -= logSoftmax(run.logits()[p], tokens[p + 1]);
                predicted++;
            }
        }

        public double agreement() {
            return compared == 0 ? Double.NaN : (double) agreements / compared;
        }

        public long compared() {
            return compared;
        }

        public double meanKl() {
            return compared == 0 ? Double.NaN : klSum / compared;
        }

        public double perplexity() {
            return predicted == 0 ? Double.NaN : Math.exp(nllSum / predicted);
        }

        public long predicted() {
            return predicted;
        }
    }

    /** KL(p ‖ q) of the softmaxes of logits {@code p} and {@code q}, in nats. */
    static double klDivergence(float[] p, float[] q) {
        double pMax = max(p);
        double qMax = max(q);
        double pSum = 0;
        double qSum = 0;
        for (int i = 0; i < p.length; i++) {
            pSum += Math.exp(p[i] - pMax);
            qSum += Math.exp(q[i] - qMax);
        }
        double pLog = pMax + Math.log(pSum);
        double qLog = qMax + Math.log(qSum);
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            double logP = p[i] - pLog;
            kl += Math.exp(logP) * (logP - (q[i] - qLog));
        }
        return Math.max(0, kl);
    }

    /** log softmax(logits)[token]. */
    static double logSoftmax(float[] logits, int token) {
        double m = max(logits);
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - m);
        }
        return logits[token] - m - Math.log(sum);
    }

    private static double max(float[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
