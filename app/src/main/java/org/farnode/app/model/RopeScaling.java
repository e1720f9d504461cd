package org.farnode.app.model;

import java.util.Arrays;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufMetadata;
import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;

/**
 * How a model stretches RoPE past its training context: positions divided by {@code positionScale}
 * (linear scaling) and each pair's frequency divided by its factor (Llama 3.1 and later).
 *
 * @param description       what the file asked for, for messages ({@code none}, {@code linear ×4}, ...)
 * @param positionScale     divisor of positions; 1 for none
 * @param frequencyFactors  {@code ropeDimension/2} divisors of the pairs' frequencies, or null for none
 */
public record RopeScaling(String description, float positionScale, float[] frequencyFactors) {
    public static final RopeScaling NONE = new RopeScaling("none", 1f, null);

    public RopeScaling {
        frequencyFactors = frequencyFactors == null ? null : frequencyFactors.clone();
    }

    @Override
    public float[] frequencyFactors() {
        return frequencyFactors == null ? null : frequencyFactors.clone();
    }

    /**
     * The scaling a GGUF file asks for. A {@code rope_freqs.weight} tensor (F32, one factor per
     * pair) wins; otherwise {@code {arch}.rope.scaling.type}: absent or {@code none}, {@code linear}
     * (positions divided by {@code .factor}), or {@code llama3} (factors from {@code .factor},
     * {@code .original_context_length}, {@code .low_freq_factor}, {@code .high_freq_factor} by
     * {@link #llama3Factors}). Any other type is an error that names it.
     */
    public static RopeScaling of(GgufFile file, String arch, int ropeDimension, double base) {
        GgufMetadata meta = file.metadata();
        String type = meta.optionalString(arch + ".rope.scaling.type").orElse("none");
        String prefix = arch + ".rope.scaling.";
        if (!java.util.List.of("none", "linear", "llama3").contains(type)) {
            throw new ModelLoadException(file.path() + " asks for rope scaling type '" + type
                    + "'; supported: none, linear, llama3 (or a rope_freqs.weight tensor)");
        }
        if (file.hasTensor("rope_freqs.weight")) {
            Tensor t = file.tensor("rope_freqs.weight");
            if (t.type() != GgmlType.F32 || t.elementCount() != ropeDimension / 2) {
                throw new ModelLoadException(file.path() + ": rope_freqs.weight must be F32 with " + ropeDimension / 2
                        + " values (rope dimension / 2), found " + t.type() + " with " + t.elementCount());
            }
            float[] factors = new float[ropeDimension / 2];
            Dequantize.values(t.name(), t.type(), t.data(), 0, factors.length, factors, 0);
            float linear = type.equals("linear") ? factor(meta, prefix, file) : 1f;
            return new RopeScaling("rope_freqs.weight" + (linear == 1f ? "" : ", linear ×" + linear), linear, factors);
        }
        return switch (type) {
            case "none" -> NONE;
            case "linear" -> {
                float factor = factor(meta, prefix, file);
                yield new RopeScaling("linear ×" + factor, factor, null);
            }
            case "llama3" -> {
                float factor = factor(meta, prefix, file);
                int original = meta.optionalInteger(prefix + "original_context_length").orElseThrow(() -> new ModelLoadException(
                        file.path() + ": llama3 rope scaling needs " + prefix + "original_context_length"));
                float low = meta.optionalFloat(prefix + "low_freq_factor").orElse(1f);
                float high = meta.optionalFloat(prefix + "high_freq_factor").orElse(4f);
                yield new RopeScaling("llama3 ×" + factor, 1f, llama3Factors(ropeDimension, base, factor, original, low, high));
            }
            default -> throw new AssertionError(type); // checked above
        };
    }

    private static float factor(GgufMetadata meta, String prefix, GgufFile file) {
        float factor = meta.optionalFloat(prefix + "factor").orElseThrow(() -> new ModelLoadException(
                file.path() + ": rope scaling needs " + prefix + "factor"));
        if (!(factor > 0)) {
            throw new ModelLoadException(file.path() + ": " + prefix + "factor must be positive, got " + factor);
        }
        return factor;
    }

    /**
     * The Llama 3 rule for pair {@code i}'s divisor, with {@code f = base^(-2i/d)} and wavelength
     * {@code λ = 2π/f}: 1 when {@code λ < original/high} (fast pairs keep their frequency);
     * {@code factor} when {@code λ > original/low} (slow pairs are stretched fully); between, the
     * frequency is the blend {@code (1 − s)·f/factor + s·f} with {@code s = (original/λ − low)/(high − low)},
     * so the divisor is {@code 1 / ((1 − s)/factor + s)}.
     */
    public static float[] llama3Factors(int ropeDimension, double base, double factor, int originalContext,
                                        double lowFreqFactor, double highFreqFactor) {
        if (!(highFreqFactor > lowFreqFactor)) {
            throw new ModelLoadException("llama3 rope scaling needs high_freq_factor > low_freq_factor, got "
                    + highFreqFactor + " and " + lowFreqFactor);
        }
        double longest = originalContext / lowFreqFactor;
        double shortest = originalContext / highFreqFactor;
        float[] factors = new float[ropeDimension / 2];
        for (int i = 0; i < factors.length; i++) {
            double frequency = Math.pow(base, -2.0 * i / ropeDimension);
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < shortest) {
                factors[i] = 1f;
            } else if (wavelength > longest) {
                factors[i] = (float) factor;
            } else {
                double smooth = (originalContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RopeScaling other && description.equals(other.description)
                && Float.compare(positionScale, other.positionScale) == 0 && Arrays.equals(frequencyFactors, other.frequencyFactors);
    }

    @Override
    public int hashCode() {
        return 31 * Float.hashCode(positionScale) + Arrays.hashCode(frequencyFactors);
    }

    @Override
    public String toString() {
        return description;
    }
}
