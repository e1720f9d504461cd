package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.farnode.app.shard.LayerRange;
import org.junit.jupiter.api.Test;

class SwarmLayoutTest {
    @Test
    void automaticGivesThisNodeTheFirstThirdAndTwoPeersTheRest() {
        SwarmLayout layout = SwarmLayout.of("auto", 5);
        assertThat(layout.thisNode()).isEqualTo(new LayerRange(0, 2));
        assertThat(layout.peers()).containsExactly(new LayerRange(2, 4), new LayerRange(4, 5));
        assertThat(layout.inLayerOrder()).containsExactly(new LayerRange(0, 2), new LayerRange(2, 4), new LayerRange(4, 5));
    }

    @Test
    void aModelWithFewerLayersThanNodesGetsOneNodePerLayer() {
        SwarmLayout layout = SwarmLayout.of("auto", 2);
        assertThat(layout.inLayerOrder()).containsExactly(new LayerRange(0, 1), new LayerRange(1, 2));
    }

    @Test
    void chosenLayersInTheMiddleGetAPeerOnEachSide() {
        SwarmLayout layout = SwarmLayout.of("8:16", 22);
        assertThat(layout.thisNode()).isEqualTo(new LayerRange(8, 16));
        assertThat(layout.peers()).containsExactly(new LayerRange(0, 8), new LayerRange(16, 22));
        assertThat(layout.inLayerOrder()).containsExactly(new LayerRange(0, 8), new LayerRange(8, 16), new LayerRange(16, 22));
    }

    @Test
    void chosenLayersAtAnEndNeedOnlyOnePeerAndAllLayersNone() {
        assertThat(SwarmLayout.of("0:3", 5).peers()).containsExactly(new LayerRange(3, 5));
        assertThat(SwarmLayout.of("3:5", 5).peers()).containsExactly(new LayerRange(0, 3));
        assertThat(SwarmLayout.of("0:5", 5).peers()).isEqualTo(List.of());
    }

    @Test
    void layersOutsideTheModelAreRefused() {
        assertThatThrownBy(() -> SwarmLayout.of("3:9", 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
