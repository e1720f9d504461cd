package org.farnode.app.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.farnode.app.model.tokenizer.StreamingDecoder;
import org.farnode.app.model.tokenizer.Tokenizer;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.speculative.Draft;
import org.farnode.app.speculative.Speculation;
import org.farnode.app.speculative.Verdict;
import org.farnode.app.speculative.WindowVerification;

/**
 * Drives one generation session: tokenizes on the gateway, pushes windows of hidden states
 * through the route of shard stages in layer order, and samples from the LM head. Single-process
 * generation is this same loop over one local stage that covers every layer.
 */
public final class Generator {
    /** Prompt positions sent through the route per window during prefill, the windows pipelined ({@link PrefillPipeline}). */
    public static final int PREFILL_WINDOW = 64;
    /** A prefill window as long as any prompt: the whole prompt in one window, hop after hop, as most systems send it. */
    public static final int WHOLE_PROMPT = Integer.MAX_VALUE;

    private final GatewayModel gateway;
    private final Tokenizer tokenizer;
    private final List<ShardStage> route;
    private final int prefillWindow;
    /** Ids besides EOS and BOS that end a generation, such as a chat template's end-of-turn token. */
    private final int[] endOfTurnIds;

    public Generator(GatewayModel gateway, Tokenizer tokenizer, List<ShardStage> route) {
        this(gateway, tokenizer, route, PREFILL_WINDOW);
    }

    /** As {@link #Generator(GatewayModel, Tokenizer, List)}, sending a prompt in windows of at most {@code prefillWindow} positions. */
    public Generator(GatewayModel gateway, Tokenizer tokenizer, List<ShardStage> route, int prefillWindow) {
        this(gateway, tokenizer, route, prefillWindow, new int[0]);
    }

    private Generator(GatewayModel gateway, Tokenizer tokenizer, List<ShardStage> route, int prefillWindow, int[] endOfTurnIds) {
        LayerRange.requireChain(route.stream().map(ShardStage::layers).toList(), gateway.config().blockCount());
        if (prefillWindow < 1) {
            throw new IllegalArgumentException("the prefill window must be at least 1 position, got " + prefillWindow);
        }
        this.gateway = gateway;
        this.tokenizer = tokenizer;
        this.route = List.copyOf(route);
        this.prefillWindow = prefillWindow;
        this.endOfTurnIds = endOfTurnIds.clone();
    }

    /** This generator, also stopping when the model emits one of {@code ids} (a chat template's end-of-turn tokens). */
    public Generator stoppingAlsoAt(int... ids) {
        for (int id : ids) {
            if (id < 0 || id >= tokenizer.vocabularySize()) {
                throw new IllegalArgumentException("stop token id must be 0.." + (tokenizer.vocabularySize() - 1) + ", got " + id);
            }
        }
        return new Generator(gateway, tokenizer, route, prefillWindow, ids);
    }

    /** Whether {@code id} ends the generation: EOS, BOS, or an end-of-turn id. */
    private boolean stops(int id) {
        if (id == tokenizer.eosId() || id == tokenizer.bosId()) {
            return true;
        }
        for (int stop : endOfTurnIds) {
            if (id == stop) {
                return true;
            }
        }
        return false;
    }

    /**
     * The ids a prompt becomes: BOS (where the model wants it), then the prompt's tokens.
     *
     * @throws IllegalArgumentException when the prompt leaves no room in the model's context
     */
    public int[] promptTokens(String prompt) {
        return promptTokens(tokenizer, gateway.config().contextLength(), prompt);
    }

    /** {@link #promptTokens(String)} before any generator exists, so a command can refuse a prompt before it starts a backend. */
    public static int[] promptTokens(Tokenizer tokenizer, int context, String prompt) {
        // Start from BOS when the model asks for it, and always when there is nothing else to start from.
        int[] prompted = tokenizer.addBosToken() || prompt.isEmpty() ? tokenizer.encodeWithBos(prompt) : tokenizer.encode(prompt);
        if (prompted.length >= context) {
            throw new IllegalArgumentException("the prompt is " + prompted.length + " tokens but the model's context holds "
                    + context + " (including at least one generated token)");
        }
        return prompted;
    }

    /** Generates up to {@code maxTokens} tokens after {@code prompt}, reporting each to {@code listener}. */
    public GenerationResult generate(String prompt, int maxTokens, SamplingSettings sampling, TokenListener listener) {
        return generate(promptTokens(prompt), maxTokens, sampling, listener);
    }

    /** Generates up to {@code maxTokens} tokens after the ids of {@link #promptTokens}. */
    public GenerationResult generate(int[] prompted, int maxTokens, SamplingSettings sampling, TokenListener listener) {
        return generate(prompted, maxTokens, sampling, listener, null);
    }

    /**
     * As {@link #generate(int[], int, SamplingSettings, TokenListener)}; with {@code speculation},
     * each trip through the route carries the next token and a draft of the ones after it, and the
     * route keeps the longest prefix the model agrees with. Greedy: the same tokens as without it,
     * in fewer trips. Sampling: tokens from the same distribution as without it (the speculative
     * sampling rule), though not the same tokens for a seed, as the rule draws its own numbers.
     */
    public GenerationResult generate(int[] prompted, int maxTokens, SamplingSettings sampling, TokenListener listener,
                                     Speculation speculation) {
        int context = gateway.config().contextLength();
        if (prompted.length == 0 || prompted.length >= context) {
            throw new IllegalArgumentException("a prompt needs between 1 and " + (context - 1) + " tokens, got " + prompted.length);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        }
        Sampler sampler = new Sampler(sampling);
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        for (int id : prompted) {
            decoder.accept(id); // primes spacing rules; the caller already has the prompt text
        }
        int vocab = gateway.config().vocabularySize();

        long start = System.nanoTime();
        float[] logits = gateway.logits(PrefillPipeline.run(gateway, route, prompted, prefillWindow).last());
        long prefillNanos = System.nanoTime() - start;

        List<Integer> generated = new ArrayList<>();
        GenerationResult.StopReason reason = GenerationResult.StopReason.MAX_TOKENS;
        long decodeStart = System.nanoTime();
        int position = prompted.length;
        if (speculation != null) {
            speculation.prefillMeasured(prefillNanos, prompted.length);
            reason = speculate(prompted, logits, maxTokens, sampling, speculation, generated, decoder, listener);
        }
        while (speculation == null && generated.size() < maxTokens) {
            int next = sampler.sample(logits, 0, vocab);
            if (stops(next)) {
                reason = GenerationResult.StopReason.END_OF_TEXT;
                break;
            }
            generated.add(next);
            listener.onToken(next, decoder.accept(next));
            if (generated.size() == maxTokens) {
                break;
            }
            if (position >= context) {
                reason = GenerationResult.StopReason.CONTEXT_FULL;
                break;
            }
            logits = gateway.logits(pushThroughRoute(position, new int[]{next}));
            position++;
        }
        String rest = decoder.flush();
        if (!rest.isEmpty()) {
            listener.onToken(-1, rest);
        }
        long decodeNanos = System.nanoTime() - decodeStart;
        return new GenerationResult(prompted, generated.stream().mapToInt(Integer::intValue).toArray(), reason,
                prefillNanos, decodeNanos);
    }

    /**
     * The decode loop with speculation. A round emits the model's next token, sends it with a draft
     * of k more through the route in one window, keeps the drafts the model agrees with
     * ({@link WindowVerification}) and the model's own token after them, and has every stage forget
     * the rest (a node when the next window arrives, so it costs no trip).
     */
    private GenerationResult.StopReason speculate(int[] prompted, float[] logits, int maxTokens, SamplingSettings sampling,
                                                  Speculation speculation, List<Integer> generated,
                                                  StreamingDecoder decoder, TokenListener listener) {
        int context = gateway.config().contextLength();
        int vocab = gateway.config().vocabularySize();
        int position = prompted.length;
        SplittableRandom random = new SplittableRandom(sampling.seed());
        int next = WindowVerification.firstToken(logits, vocab, sampling, random);
        while (true) {
            if (stops(next)) {
                return GenerationResult.StopReason.END_OF_TEXT;
            }
            generated.add(next);
            listener.onToken(next, decoder.accept(next));
            if (generated.size() == maxTokens) {
                return GenerationResult.StopReason.MAX_TOKENS;
            }
            if (position >= context) {
                return GenerationResult.StopReason.CONTEXT_FULL;
            }
            int[] history = new int[prompted.length + generated.size()];
            System.arraycopy(prompted, 0, history, 0, prompted.length);
            for (int i = 0; i < generated.size(); i++) {
                history[prompted.length + i] = generated.get(i);
            }
            Draft draft = speculation.draft(history, context - position - 1);
            int[] window = new int[draft.length() + 1];
            window[0] = next;
            System.arraycopy(draft.tokens(), 0, window, 1, draft.length());
            long roundStart = System.nanoTime();
            float[] windowLogits = gateway.logits(pushThroughRoute(position, window));
            Verdict verdict = WindowVerification.verdict(draft, windowLogits, vocab, sampling, random);
            speculation.record(draft.length(), verdict, System.nanoTime() - roundStart);
            int kept = verdict.accepted() + 1; // the token sent first, then the accepted drafts
            if (kept < window.length) {
                for (ShardStage stage : route) {
                    stage.forgetBeforeNextWindow(position + kept); // a remote stage folds this into the next window
                }
            }
            position += kept;
            int[] emitted = verdict.emitted();
            for (int i = 0; i < verdict.accepted(); i++) {
                int token = emitted[i];
                if (stops(token)) {
                    return GenerationResult.StopReason.END_OF_TEXT;
                }
                generated.add(token);
                listener.onToken(token, decoder.accept(token));
                if (generated.size() == maxTokens) {
                    return GenerationResult.StopReason.MAX_TOKENS;
                }
            }
            next = emitted[verdict.accepted()]; // the model's own token after the kept ones, emitted next round
        }
    }

    private HiddenStates pushThroughRoute(int startPosition, int[] tokens) {
        return PrefillPipeline.run(gateway, route, startPosition, tokens, WHOLE_PROMPT);
    }
}
