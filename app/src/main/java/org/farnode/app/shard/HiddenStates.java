package org.farnode.app.shard;

import java.util.Arrays;

/**
 * A window of consecutive positions' residual-stream vectors: {@code positions × width} floats,
 * row-major. This is what travels between the gateway and the shards — never tokens.
 */
public record HiddenStates(int positions, int width, float[] values) {

    public HiddenStates {
        if (positions <= 0 || width <= 0 || values.length != (long) positions * width) {
            throw new IllegalArgumentException("hidden states of " + positions + " × " + width
                    + " need " + ((long) positions * width) + " values, got " + values.length);
        }
    }

    /** The vector of position {@code index} within the window (a copy). */
    public float[] row(int index) {
        return Arrays.copyOfRange(values, index * width, (index + 1) * width);
    }

    /** Just the last position, as a window of one. */
    public HiddenStates last() {
        return new HiddenStates(1, width, row(positions - 1));
    }
}
