package org.farnode.app.node;

import java.util.Arrays;
import org.farnode.app.shard.HiddenStates;

/**
 * A window being run through a session's layers chunk by chunk, one chunk per turn of the
 * compute thread: its decoded input, the output so far, and how far it has got. Attention is
 * causal and each chunk's keys and values join the session's cache before the next chunk reads
 * them, so the chunks compute what the whole window would in one go (up to the rounding of
 * matrix products over fewer rows). Its vectors are zeroed once the reply is sent or the window
 * is dropped: after that they live on only in the session's KV cache.
 */
final class WindowInProgress {
    final NodeSession session;
    /** The window's first position. */
    final int startPosition;
    private final HiddenStates input;
    private final float[] output;
    private int computed;

    WindowInProgress(NodeSession session, int startPosition, HiddenStates input) {
        this.session = session;
        this.startPosition = startPosition;
        this.input = input;
        this.output = new float[input.values().length];
    }

    int positions() {
        return input.positions();
    }

    /** Runs the next {@code maxPositions} positions (or fewer, the last ones); true when the whole window is done. */
    boolean computeNext(int maxPositions) {
        int width = input.width();
        int count = Math.min(maxPositions, input.positions() - computed);
        float[] chunk = Arrays.copyOfRange(input.values(), computed * width, (computed + count) * width);
        HiddenStates result = session.shard.forward(startPosition + computed, new HiddenStates(count, width, chunk));
        System.arraycopy(result.values(), 0, output, computed * width, count * width);
        Arrays.fill(chunk, 0f);
        Arrays.fill(result.values(), 0f);
        computed += count;
        return computed == input.positions();
    }

    /** The window after the session's layers; complete once {@link #computeNext} has returned true. */
    HiddenStates output() {
        return new HiddenStates(input.positions(), input.width(), output);
    }

    void wipe() {
        Arrays.fill(input.values(), 0f);
        Arrays.fill(output, 0f);
    }
}
