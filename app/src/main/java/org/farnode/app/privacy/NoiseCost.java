package org.farnode.app.privacy;

import java.util.List;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.svs.CodecEvaluation;
import org.farnode.backend.ops.Ops;

/**
 * What the gateway's noise at one boundary costs in output quality. The model is split at the
 * boundary (one hop before it, one from it; a single hop at boundary 0), every hop uses the codec,
 * and the gateway adds the noise only to the windows it sends into the hop at the boundary. The
 * noisy run is compared with the same route without noise, teacher-forced
 * ({@link CodecEvaluation.Tally#compare}): greedy agreement of next-token predictions and mean KL.
 */
public final class NoiseCost {
    private final CodecEvaluation evaluation;
    private final int boundary;

    public NoiseCost(LlamaWeights weights, Ops ops, int boundary) {
        int layers = weights.config().blockCount();
        if (boundary < 0 || boundary >= layers) {
            throw new IllegalArgumentException("noise is added at boundaries 0 to " + (layers - 1) + ", not " + boundary);
        }
        List<LayerRange> split = boundary == 0 ? List.of(LayerRange.all(layers))
                : List.of(new LayerRange(0, boundary), new LayerRange(boundary, layers));
        this.evaluation = new CodecEvaluation(weights, ops, split);
        this.boundary = boundary;
    }

    /** Noisy against clean over every position of {@code sequences}, one position per window as in decoding. */
    public CodecEvaluation.Tally measure(List<int[]> sequences, HiddenStateCodec codec, double noiseStd, long seed) {
        GatewayNoise noise = new GatewayNoise(noiseStd, seed);
        CodecEvaluation.Sending noisyAtBoundary = (at, window) -> at == boundary ? noise.addTo(window) : window;
        CodecEvaluation.Tally tally = new CodecEvaluation.Tally();
        for (int[] sequence : sequences) {
            CodecEvaluation.Run clean = evaluation.run(sequence, codec, 1);
            tally.compare(clean, evaluation.run(sequence, codec, 1, noisyAtBoundary), 0);
        }
        return tally;
    }
}
