package org.farnode.app.codec.scm;

import java.util.List;
import java.util.Optional;
import org.farnode.app.protocol.ModelId;

/**
 * Everything an SCM codec needs for one model: a calibrated projection per layer boundary,
 * bound to the model it was calibrated on. Written and read by {@link ScmFile}.
 *
 * @param model          the model the hidden states come from
 * @param width          the model's embedding length
 * @param fidelityTarget the fraction of variance each boundary's rank was chosen to keep
 * @param boundaries     one per boundary, ascending by {@link ScmBoundary#boundary()}
 */
public record ScmCodebook(ModelId model, int width, double fidelityTarget, List<ScmBoundary> boundaries) {

    public ScmCodebook {
        boundaries = List.copyOf(boundaries);
        for (int i = 0; i < boundaries.size(); i++) {
            ScmBoundary b = boundaries.get(i);
            if (b.width() != width || (i > 0 && b.boundary() <= boundaries.get(i - 1).boundary())) {
                throw new IllegalArgumentException("boundaries must be ascending and " + width + " wide; got " + b + " at " + i);
            }
        }
    }

    /** The projection of boundary {@code layer}, if calibrated. */
    public Optional<ScmBoundary> at(int layer) {
        return boundaries.stream().filter(b -> b.boundary() == layer).findFirst();
    }
}
