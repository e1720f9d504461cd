package org.farnode.app.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.Test;

/**
 * Greedy generation with speculation on stories260K, through a route of two local shards: the
 * tokens are exactly those without it, whether the drafts are good (prompt lookup) or mostly
 * wrong (a drafter of random tokens, so that nearly every round truncates both shards' caches).
 */
class SpeculativeGenerationTest {
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 1);

    private static Generator generatorFor(LoadedModel loaded, CpuOps ops) {
        return new Generator(new GatewayModel(loaded.weights(), ops), loaded.tokenizer(), List.of(new ShardRunner(loaded.weights(),
                LayerRange.all(5), ops).openSession()));
    }

    private static int[] generate(LoadedModel loaded, CpuOps ops, String prompt, Speculation speculation) {
        List<ShardStage> route = List.of(new ShardRunner(loaded.weights(), new LayerRange(0, 2), ops).openSession(),
                new ShardRunner(loaded.weights(), new LayerRange(2, 5), ops).openSession());
        try {
            Generator generator = new Generator(new GatewayModel(loaded.weights(), ops), loaded.tokenizer(), route);
            GenerationResult result = generator.generate(generator.promptTokens(prompt), 200, GREEDY, (id, text) -> { }, speculation);
            return result.generatedTokens();
        } finally {
            route.forEach(ShardStage::close);
        }
    }

    @Test
    void promptLookupAndAWrongDrafterGiveExactlyTheGreedyTokens() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); CpuOps ops = new CpuOps(2)) {
            for (String prompt : new String[] {"", "Once upon a time, there was a little dog. The dog"}) {
                int[] plain = generate(loaded, ops, prompt, null);
                Speculation lookup = Speculation.promptLookup(8).withMinimumDraft(1); // in one process drafting may not pay
                assertThat(generate(loaded, ops, prompt, lookup)).as("prompt lookup after '%s'", prompt).containsExactly(plain);
                assertThat(lookup.stats().accepted()).isPositive();
                assertThat(lookup.stats().rounds()).isLessThan(plain.length - 1);
                // Right, then wrong from a random point on: about every other round truncates both shards' caches.
                SplittableRandom random = new SplittableRandom(prompt.length());
                int promptLength = generatorFor(loaded, ops).promptTokens(prompt).length;
                Drafter halfRight = (history, k) -> {
                    int done = history.length - promptLength;
                    int[] draft = Arrays.copyOfRange(plain, Math.min(done, plain.length), Math.min(done + k, plain.length));
                    for (int i = random.nextInt(draft.length + 1); i < draft.length; i++) {
                        draft[i] = random.nextInt(512);
                    }
                    return Draft.deterministic(draft);
                };
                Speculation wrong = new Speculation("half right", halfRight, 1, 6);
                assertThat(generate(loaded, ops, prompt, wrong)).as("half-right drafts after '%s'", prompt).containsExactly(plain);
                assertThat(wrong.stats().drafted() - wrong.stats().accepted()).as("rejected drafts").isGreaterThan(40);
            }
        }
    }

    @Test
    void aTruncatedCacheGivesTheSameHiddenStatesAsIfTheRejectedTokensHadNeverBeenSent() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); CpuOps ops = new CpuOps(2)) {
            GatewayModel gateway = new GatewayModel(loaded.weights(), ops);
            ShardRunner all = new ShardRunner(loaded.weights(), LayerRange.all(5), ops);
            try (ShardSession speculated = all.openSession(); ShardSession direct = all.openSession()) {
                speculated.forward(0, gateway.embed(new int[] {1, 400, 401}));
                speculated.forward(3, gateway.embed(new int[] {402, 77, 88, 99})); // 77, 88, 99 rejected
                speculated.truncate(4);
                direct.forward(0, gateway.embed(new int[] {1, 400, 401}));
                direct.forward(3, gateway.embed(new int[] {402}));
                HiddenStates afterTruncation = speculated.forward(4, gateway.embed(new int[] {403, 404}));
                HiddenStates neverSent = direct.forward(4, gateway.embed(new int[] {403, 404}));
                assertThat(gateway.logits(afterTruncation)).containsExactly(gateway.logits(neverSent));
            }
        }
    }
}
