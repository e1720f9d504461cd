package org.farnode.app.privacy;

import java.util.SplittableRandom;
import org.farnode.app.shard.HiddenStates;

/**
 * A defence the gateway can apply before it encodes a window for a node: to each position's
 * vector x it adds Gaussian noise of standard deviation {@code relativeStd × RMS(x)} per value.
 * Scaled by each vector's own RMS because hidden states grow from layer to layer, so a fixed
 * deviation would mean a different defence at every boundary. The node's result carries the
 * noise on, so it costs output quality ({@link NoiseCost} measures how much).
 */
public final class GatewayNoise {
    private final double relativeStd;
    private final SplittableRandom random;

    /** Noise of {@code relativeStd} × RMS from a generator seeded with {@code seed}, so a run can be repeated. */
    public GatewayNoise(double relativeStd, long seed) {
        if (!(relativeStd >= 0) || Double.isInfinite(relativeStd)) {
            throw new IllegalArgumentException("--noise-std must be a finite number >= 0, got " + relativeStd);
        }
        this.relativeStd = relativeStd;
        this.random = new SplittableRandom(seed);
    }

    public double relativeStd() {
        return relativeStd;
    }

    /** {@code states} with this noise added (a new window; the input is left as it was). */
    public HiddenStates addTo(HiddenStates states) {
        if (relativeStd == 0) {
            return states;
        }
        int width = states.width();
        float[] noisy = states.values().clone();
        for (int p = 0; p < states.positions(); p++) {
            double sumOfSquares = 0;
            for (int i = p * width; i < (p + 1) * width; i++) {
                sumOfSquares += (double) noisy[i] * noisy[i];
            }
            double std = relativeStd * Math.sqrt(sumOfSquares / width);
            for (int i = p * width; i < (p + 1) * width; i++) {
                noisy[i] += (float) (std * random.nextGaussian());
            }
        }
        return new HiddenStates(states.positions(), width, noisy);
    }
}
