package org.farnode.app.gateway;

/**
 * How the next token is chosen. {@code temperature == 0} is greedy (argmax); otherwise logits are
 * divided by the temperature, restricted to the {@code topK} most likely tokens ({@code 0} = all)
 * and to the smallest set whose probability reaches {@code topP}, and sampled with {@code seed}.
 */
public record SamplingSettings(float temperature, int topK, float topP, long seed) {

    public SamplingSettings {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = no limit), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    public static SamplingSettings greedy() {
        return new SamplingSettings(0, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
