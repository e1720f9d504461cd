package org.farnode.app.desktop;

import org.farnode.app.model.ModelConfig;
import org.farnode.app.node.TrafficCounters;
import org.farnode.app.shard.LayerRange;

/**
 * This node's work per second, from two readings of its counters a moment apart.
 *
 * @param tokensPerSecond        positions (tokens) its layers processed per second
 * @param gflopsPerSecond        the matrix products those positions took, GFLOP/s (2 per weight per position)
 * @param receivedBytesPerSecond frame bytes in per second (the download)
 * @param sentBytesPerSecond     frame bytes out per second (the upload)
 * @param bytesPerToken          bytes both ways per position; NaN when no position went through
 * @param fp32Ratio              how many times smaller the traffic was than the same hidden states in fp32; NaN when idle
 */
public record NodeRates(double tokensPerSecond, double gflopsPerSecond, double receivedBytesPerSecond,
                        double sentBytesPerSecond, double bytesPerToken, double fp32Ratio) {

    /** A reading of the counters at a moment. */
    public record Reading(long nanos, long positions, long bytesReceived, long bytesSent) {
        public static Reading of(TrafficCounters counters, long nanos) {
            return new Reading(nanos, counters.positions(), counters.bytesReceived(), counters.bytesSent());
        }
    }

    /** The rates between {@code before} and {@code after} for a node serving {@code layers} of a model shaped {@code config}. */
    public static NodeRates between(Reading before, Reading after, ModelConfig config, LayerRange layers) {
        double seconds = Math.max(1e-9, (after.nanos() - before.nanos()) / 1e9);
        long positions = after.positions() - before.positions();
        long received = after.bytesReceived() - before.bytesReceived();
        long sent = after.bytesSent() - before.bytesSent();
        double flops = (double) positions * flopsPerPosition(config, layers);
        // A position crosses the wire twice: into the node and back out, embedding-width floats each way.
        double fp32Bytes = 2.0 * positions * config.embeddingLength() * Float.BYTES;
        return new NodeRates(positions / seconds, flops / seconds / 1e9, received / seconds, sent / seconds,
                positions == 0 ? Double.NaN : (double) (received + sent) / positions,
                positions == 0 || received + sent == 0 ? Double.NaN : fp32Bytes / (received + sent));
    }

    /** Floating-point operations of the weight products one position takes through {@code layers}. */
    public static double flopsPerPosition(ModelConfig config, LayerRange layers) {
        long dim = config.embeddingLength();
        long weightsPerLayer = 2 * dim * dim + 2 * dim * config.kvDimension() + 3 * dim * config.feedForwardLength();
        return 2.0 * weightsPerLayer * layers.size();
    }
}
