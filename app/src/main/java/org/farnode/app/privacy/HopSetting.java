package org.farnode.app.privacy;

import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.shard.HiddenStates;

/**
 * How the hop into the audited node is protected: its codec, and the relative deviation of the
 * noise the gateway adds before encoding (0 for none). What the node can work from is exactly
 * what {@link #received} returns.
 */
public record HopSetting(HiddenStateCodec codec, double noiseStd) {

    public HopSetting {
        if (!(noiseStd >= 0) || Double.isInfinite(noiseStd)) {
            throw new IllegalArgumentException("a noise deviation must be a finite number >= 0, got " + noiseStd);
        }
    }

    /**
     * The window the node serving layers from {@code boundary} decodes when the gateway sends it
     * {@code sent}: noise added (drawn from {@code seed}), encoded and decoded by the real codec at
     * that boundary (an SCM codec projects each boundary with its own directions).
     */
    public HiddenStates received(HiddenStates sent, int boundary, long seed) {
        HiddenStates noisy = new GatewayNoise(noiseStd, seed).addTo(sent);
        byte[] payload = codec.encode(noisy, boundary);
        return codec.decode(payload, sent.positions(), sent.width(), boundary);
    }

    /** For tables and progress: the codec's name, and the noise when there is some. */
    public String label() {
        return noiseStd == 0 ? codec.name() : codec.name() + " + noise " + noiseStd;
    }
}
