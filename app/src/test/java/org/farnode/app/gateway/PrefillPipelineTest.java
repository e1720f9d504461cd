package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.Test;

/**
 * The pipelined prefill on stories260K through three shards that answer late, each on its own
 * thread after a random pause (as nodes behind links do): every shard still gets the windows in
 * position order (a shard refuses any other), several windows are in flight at once, and the
 * hidden states at the end are those of sending the whole prompt in one window.
 */
class PrefillPipelineTest {

    /** A local shard that computes on its own thread after a random pause, counting the windows it has not answered yet. */
    private static final class LateStage implements ShardStage {
        private final ShardStage shard;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final SplittableRandom random;
        private final AtomicInteger inFlight = new AtomicInteger();
        private int mostInFlight;

        LateStage(ShardStage shard, long seed) {
            this.shard = shard;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public LayerRange layers() {
            return shard.layers();
        }

        @Override
        public HiddenStates forward(int startPosition, HiddenStates window) {
            return forwardAsync(startPosition, window).join();
        }

        @Override
        public synchronized CompletableFuture<HiddenStates> forwardAsync(int startPosition, HiddenStates window) {
            mostInFlight = Math.max(mostInFlight, inFlight.incrementAndGet());
            long pauseMillis = random.nextLong(1, 15);
            return CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                return shard.forward(startPosition, window);
            }, thread);
        }

        @Override
        public void truncate(int length) {
            shard.truncate(length);
        }

        @Override
        public void close() {
            thread.shutdownNow();
            shard.close();
        }
    }

    private static List<ShardStage> shards(LoadedModel loaded, CpuOps ops) {
        return List.of(new ShardRunner(loaded.weights(), new LayerRange(0, 1), ops).openSession(),
                new ShardRunner(loaded.weights(), new LayerRange(1, 3), ops).openSession(),
                new ShardRunner(loaded.weights(), new LayerRange(3, 5), ops).openSession());
    }

    @Test
    void windowsOverlapYetReachEveryShardInOrderAndGiveTheWholePromptsResult() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); CpuOps ops = new CpuOps(2)) {
            GatewayModel gateway = new GatewayModel(loaded.weights(), ops);
            int[] prompt = new Generator(gateway, loaded.tokenizer(), shards(loaded, ops)).promptTokens(
                    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog.");
            List<ShardStage> whole = shards(loaded, ops);
            HiddenStates expected = PrefillPipeline.run(gateway, whole, prompt, Generator.WHOLE_PROMPT);
            whole.forEach(ShardStage::close);

            List<LateStage> late = new ArrayList<>();
            for (ShardStage shard : shards(loaded, ops)) {
                late.add(new LateStage(shard, late.size()));
            }
            try {
                HiddenStates pipelined = PrefillPipeline.run(gateway, List.copyOf(late), prompt, 3);
                assertThat(pipelined.positions()).isEqualTo(prompt.length % 3 == 0 ? 3 : prompt.length % 3);
                float[] got = pipelined.last().values();
                float[] want = expected.last().values();
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i]).as("value %d", i).isCloseTo(want[i], offset(1e-4f * (1 + Math.abs(want[i]))));
                }
                assertThat(late.getFirst().mostInFlight).as("windows in flight at once on the first hop").isGreaterThan(1);
            } finally {
                late.forEach(LateStage::close);
            }
        }
    }

    @Test
    void aFailingHopFailsThePrefillWithItsOwnError() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); CpuOps ops = new CpuOps(2)) {
            GatewayModel gateway = new GatewayModel(loaded.weights(), ops);
            List<ShardStage> route = new ArrayList<>(shards(loaded, ops));
            ShardStage broken = route.get(1);
            route.set(1, new ShardStage() {
                @Override
                public LayerRange layers() {
                    return broken.layers();
                }

                @Override
                public HiddenStates forward(int startPosition, HiddenStates window) {
                    throw new IllegalStateException("hop 2 is gone");
                }

                @Override
                public void truncate(int length) {
                }

                @Override
                public void close() {
                    broken.close();
                }
            });
            assertThatThrownBy(() -> PrefillPipeline.run(gateway, route, new int[] {1, 20, 30, 40, 50}, 2))
                    .isInstanceOf(IllegalStateException.class).hasMessage("hop 2 is gone");
            assertThatThrownBy(() -> PrefillPipeline.run(gateway, route, new int[] {1}, 0))
                    .hasMessageContaining("at least 1 position");
            route.forEach(ShardStage::close);
        }
    }
}
