package org.farnode.app.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.SyntheticLlama;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.CpuOps;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A window run through a session in consecutive chunks, as a node computes a long prompt a turn
 * at a time, gives what the whole window gives in one go: attention is causal and each chunk's
 * keys and values are in the cache before the next chunk reads them. Prints what the chunks cost,
 * for a model as narrow as stories260K (64 wide) and one as wide as TinyLlama (2048, 4 layers).
 */
@Timeout(300)
class ChunkedWindowTest {
    private static final int CHUNK = 64;

    @TempDir
    Path dir;

    @Test
    void stories260KInChunksOf64IsTheWholeWindow() throws Exception {
        try (LoadedModel model = LoadedModel.open(Stories260K.gguf(), null); CpuOps ops = new CpuOps(2)) {
            compare("stories260K", model, ops, 400, 5);
        }
    }

    @Test
    void aModelAsWideAsTinyLlamaInChunksOf64IsTheWholeWindow() throws Exception {
        Path file = dir.resolve("wide.gguf");
        SyntheticLlama.wide(GgmlType.Q8_0).write(file);
        try (LoadedModel model = LoadedModel.open(file, null); CpuOps ops = new CpuOps(2)) {
            compare("wide Q8_0", model, ops, 256, 2);
        }
    }

    /** Runs {@code positions} whole and in chunks, {@code rounds} times each alternately; prints the fastest of each. */
    private static void compare(String name, LoadedModel model, CpuOps ops, int positions, int rounds) {
        int width = model.config().embeddingLength();
        ShardRunner runner = new ShardRunner(model.weights(), LayerRange.all(model.config().blockCount()), ops);
        float[] values = new float[positions * width];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        HiddenStates window = new HiddenStates(positions, width, values);
        run(runner, window, positions); // the JIT's first compilations, in neither figure
        long wholeNanos = Long.MAX_VALUE;
        long chunkedNanos = Long.MAX_VALUE;
        float[] whole = null;
        float[] chunked = null;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            whole = run(runner, window, positions);
            wholeNanos = Math.min(wholeNanos, System.nanoTime() - start);
            start = System.nanoTime();
            chunked = run(runner, window, CHUNK);
            chunkedNanos = Math.min(chunkedNanos, System.nanoTime() - start);
        }
        float largest = 0;
        float differs = 0;
        for (int i = 0; i < whole.length; i++) {
            largest = Math.max(largest, Math.abs(whole[i]));
            differs = Math.max(differs, Math.abs(chunked[i] - whole[i]));
        }
        System.out.printf("chunked window: %s (%d wide, %d layers), %d positions: whole %.1f ms, in chunks of %d %.1f ms "
                        + "(fastest of %d each); largest difference %.3g (values up to %.3g)%n", name, width,
                model.config().blockCount(), positions, wholeNanos / 1e6, CHUNK, chunkedNanos / 1e6, rounds, differs, largest);
        assertThat(differs).as("largest difference, chunked against whole").isLessThanOrEqualTo(1e-4f * largest);
    }

    /** The window through a new session, {@code chunk} positions per forward. */
    private static float[] run(ShardRunner runner, HiddenStates window, int chunk) {
        int width = window.width();
        float[] out = new float[window.values().length];
        try (ShardSession session = runner.openSession()) {
            for (int done = 0; done < window.positions(); done += chunk) {
                int count = Math.min(chunk, window.positions() - done);
                float[] part = Arrays.copyOfRange(window.values(), done * width, (done + count) * width);
                HiddenStates result = session.forward(done, new HiddenStates(count, width, part));
                System.arraycopy(result.values(), 0, out, done * width, count * width);
            }
        }
        return out;
    }
}
