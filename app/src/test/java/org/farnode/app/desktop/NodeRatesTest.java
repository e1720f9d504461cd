package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import org.farnode.app.model.ModelConfig;
import org.farnode.app.shard.LayerRange;
import org.junit.jupiter.api.Test;

class NodeRatesTest {
    private static final long SECOND = 1_000_000_000L;

    private static ModelConfig stories260K() throws Exception {
        try (var model = org.farnode.app.model.LoadedModel.open(org.farnode.app.testing.Stories260K.gguf(), null)) {
            return model.config();
        }
    }

    @Test
    void ratesAreTheCountersDifferencesOverTheTimeBetweenReadings() throws Exception {
        ModelConfig config = stories260K();
        LayerRange layers = new LayerRange(0, 2);
        var before = new NodeRates.Reading(0, 100, 10_000, 20_000);
        var after = new NodeRates.Reading(2 * SECOND, 300, 30_000, 60_000);
        NodeRates rates = NodeRates.between(before, after, config, layers);
        assertThat(rates.tokensPerSecond()).isEqualTo(100.0);
        assertThat(rates.receivedBytesPerSecond()).isEqualTo(10_000.0);
        assertThat(rates.sentBytesPerSecond()).isEqualTo(20_000.0);
        assertThat(rates.bytesPerToken()).isEqualTo(300.0);
        double fp32 = 2.0 * 200 * config.embeddingLength() * 4;
        assertThat(rates.fp32Ratio()).isEqualTo(fp32 / 60_000);
        assertThat(rates.gflopsPerSecond()).isEqualTo(100 * NodeRates.flopsPerPosition(config, layers) / 1e9);
    }

    @Test
    void flopsPerPositionCountTwoPerWeightOfEveryMatrixInTheLayers() throws Exception {
        ModelConfig config = stories260K();
        long dim = config.embeddingLength();
        long perLayer = 2 * dim * dim + 2 * dim * config.kvDimension() + 3 * dim * config.feedForwardLength();
        assertThat(NodeRates.flopsPerPosition(config, new LayerRange(1, 4))).isEqualTo(2.0 * perLayer * 3);
    }

    @Test
    void anIdleSecondHasNoPerTokenFigures() throws Exception {
        ModelConfig config = stories260K();
        var reading = new NodeRates.Reading(0, 5, 10, 10);
        NodeRates rates = NodeRates.between(reading, new NodeRates.Reading(SECOND, 5, 10, 10), config, new LayerRange(0, 1));
        assertThat(rates.tokensPerSecond()).isZero();
        assertThat(rates.bytesPerToken()).isNaN();
        assertThat(rates.fp32Ratio()).isNaN();
    }
}
