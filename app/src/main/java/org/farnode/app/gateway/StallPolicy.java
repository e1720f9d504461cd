package org.farnode.app.gateway;

import java.time.Duration;

/**
 * When a hop's node counts as stalled: no answer to a window within {@code factor} times the time
 * its measured speed predicts for that window, and never sooner than {@code floor}. The speed is
 * learned from the node's first {@code warmupWindows} answers on; before that only the peer
 * timeout applies. A stall moves the hop to a spare node; with no spare the gateway keeps waiting.
 *
 * @param floor         the shortest deadline: slack for a busy machine or a hiccup of the network
 * @param factor        how many times slower than its own average a node may be before it is given up on
 * @param warmupWindows answers measured before deadlines apply
 */
public record StallPolicy(Duration floor, double factor, int warmupWindows) {
    public static final StallPolicy DEFAULT = new StallPolicy(Duration.ofSeconds(2), 10, 4);

    public StallPolicy {
        if (floor.isNegative() || floor.isZero()) {
            throw new IllegalArgumentException("a stall deadline's floor must be positive, got " + floor);
        }
        if (!(factor >= 1)) {
            throw new IllegalArgumentException("a stall deadline's factor must be at least 1, got " + factor);
        }
        if (warmupWindows < 1) {
            throw new IllegalArgumentException("at least one window must be measured before stall deadlines apply, got "
                    + warmupWindows);
        }
    }
}
