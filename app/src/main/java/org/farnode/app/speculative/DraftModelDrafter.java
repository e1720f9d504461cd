package org.farnode.app.speculative;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.Sampler;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.tokenizer.Tokenizer;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardStage;
import org.farnode.backend.Backend;

/**
 * Drafts with a small model run on the gateway: its embedding, its first {@code n} layers and its
 * LM head. The model is any file with the target's vocabulary; its first {@code n} layers and head
 * also make a valid one, so the target itself, cut short, drafts without a second file.
 *
 * <p>The drafter keeps its own KV cache from call to call. Each history extends the previous one
 * by the tokens the target kept, so the cache is truncated where the history departs from the
 * tokens it holds (after the last accepted draft) and only the rest runs, before the drafting.
 * Drafted tokens are fed back one at a time, except the last, whose keys the next round may not
 * need.
 *
 * <p>Greedy settings draft the argmax at each step, a deterministic draft. Other settings draw each
 * token from q = {@link TargetDistribution} of the draft model's logits under the same settings,
 * and the draft carries q: speculative sampling's acceptance rule needs the very distribution the
 * token was drawn from.
 */
public final class DraftModelDrafter implements Drafter, AutoCloseable {
    private final GatewayModel head;
    private final ShardStage layers;
    private final SamplingSettings sampling;
    private final RandomGenerator random;
    private final int vocabulary;
    /** The tokens whose keys and values {@link #layers} holds, in position order; the first {@link #cachedLength} count. */
    private final int[] cachedTokens;
    /** The history of the last {@link #observe} and the logits after it, while the cache still ends there. */
    private int[] observed;
    private float[] observedLogits;
    private int cachedLength;

    /**
     * @param draft      the draft model's file (the target's own file for a cut-short target)
     * @param target     the target's tokenizer, which the draft model must share
     * @param layerCount how many of the draft model's layers run, from the first: 1 to all of them
     * @param backend    where the draft model computes (its GPU, when it has one)
     * @param sampling   the generation's settings, under which drafts are chosen
     * @param random     the source of the draws with sampling settings; not used with greedy ones
     */
    public DraftModelDrafter(LoadedModel draft, Tokenizer target, int layerCount, Backend backend, SamplingSettings sampling,
                             RandomGenerator random) {
        int blocks = draft.config().blockCount();
        if (layerCount < 1 || layerCount > blocks) {
            throw new IllegalArgumentException("a draft model runs 1 to " + blocks + " of its layers (its first n, then its LM head), got "
                    + layerCount);
        }
        SharedVocabulary.require(target, draft.tokenizer(), draft.config().vocabularySize());
        this.head = GatewayModel.on(backend, draft.weights());
        this.layers = ShardRunner.on(backend, draft.weights(), new LayerRange(0, layerCount)).openSession();
        this.sampling = sampling;
        this.random = random;
        this.vocabulary = draft.config().vocabularySize();
        this.cachedTokens = new int[draft.config().contextLength()];
    }

    /**
     * Up to {@code maxLength} drafted tokens; fewer when the draft model's context ends sooner,
     * none for an empty history or one the context cannot hold.
     */
    @Override
    public Draft propose(int[] history, int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("the draft length must be >= 0, got " + maxLength);
        }
        // Drafting token i needs the history and the i - 1 drafts before it in the cache.
        int length = Math.min(maxLength, cachedTokens.length - history.length + 1);
        if (history.length == 0 || length <= 0) {
            return Draft.empty();
        }
        float[] logits = Arrays.equals(history, observed) && cachedLength == history.length ? observedLogits : logitsAfter(history);
        observed = null;
        int[] tokens = new int[length];
        double[][] distributions = sampling.isGreedy() ? null : new double[length][];
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                logits = feed(new int[] {tokens[i - 1]});
            }
            if (distributions == null) {
                tokens[i] = Sampler.argmax(logits, 0, vocabulary);
            } else {
                distributions[i] = TargetDistribution.of(logits, 0, vocabulary, sampling);
                tokens[i] = TargetDistribution.draw(distributions[i], random);
            }
        }
        return distributions == null ? Draft.deterministic(tokens) : Draft.sampled(tokens, distributions);
    }

    /** Runs what the cache lacks of {@code history}, keeping the logits after it for the next {@link #propose}. */
    @Override
    public void observe(int[] history) {
        if (history.length > 0 && history.length <= cachedTokens.length) {
            observed = history.clone();
            observedLogits = logitsAfter(history);
        }
    }

    /** The logits after {@code history}: keeps the cached prefix it shares with the history, runs the rest. */
    private float[] logitsAfter(int[] history) {
        // The last token always runs again: the cache holds keys and values, not the logits after them.
        int kept = Math.min(sharedPrefix(history), history.length - 1);
        layers.truncate(kept);
        cachedLength = kept;
        float[] logits = null;
        // In windows no longer than the generator's prefill windows, which a GPU shard is sized for.
        for (int from = kept; from < history.length; from += Generator.PREFILL_WINDOW) {
            logits = feed(Arrays.copyOfRange(history, from, Math.min(history.length, from + Generator.PREFILL_WINDOW)));
        }
        return logits;
    }

    private int sharedPrefix(int[] history) {
        int shared = 0;
        int limit = Math.min(cachedLength, history.length);
        while (shared < limit && cachedTokens[shared] == history[shared]) {
            shared++;
        }
        return shared;
    }

    /** Runs {@code tokens} at the next positions and returns the logits after the last of them. */
    private float[] feed(int[] tokens) {
        HiddenStates states = layers.forward(cachedLength, head.embed(tokens));
        System.arraycopy(tokens, 0, cachedTokens, cachedLength, tokens.length);
        cachedLength += tokens.length;
        return head.logits(states.last());
    }

    /** Ends the draft model's session and wipes its cache; the model file stays open for its owner to close. */
    @Override
    public void close() {
        layers.close();
    }
}
