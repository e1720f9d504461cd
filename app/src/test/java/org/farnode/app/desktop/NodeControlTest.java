package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.farnode.app.node.NodeService;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.Test;

/** The pause switch against a real node service: the operator's pause and the rules' hold, and which wins. */
class NodeControlTest {
    @Test
    void aHoldPausesTheNodeUntilReleasedButNeverOverridesTheOperatorsPause() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            nodes.start(new LayerRange(0, 5));
            NodeService service = nodes.server(0).service();
            try (NodeControl control = new NodeControl(service)) {
                List<NodeControl.State> heard = new CopyOnWriteArrayList<>();
                control.addListener(heard::add);

                control.hold("outside the weekly schedule");
                assertThat(control.state()).isEqualTo(NodeControl.State.HELD);
                assertThat(control.holdReason()).isEqualTo("outside the weekly schedule");
                assertThat(service.isPaused()).isTrue();

                control.hold(null);
                assertThat(control.state()).isEqualTo(NodeControl.State.SERVING);
                assertThat(service.isPaused()).isFalse();

                control.pause();
                control.hold("the computer is in use");
                control.hold(null);
                assertThat(control.state()).as("the operator's pause stays").isEqualTo(NodeControl.State.PAUSED);
                assertThat(service.isPaused()).isTrue();

                control.hold("the computer is in use");
                control.resume();
                assertThat(control.state()).as("resumed into a hold").isEqualTo(NodeControl.State.HELD);
                assertThat(service.isPaused()).isTrue();
                control.hold(null);
                assertThat(service.isPaused()).isFalse();
                assertThat(heard).containsExactly(NodeControl.State.HELD, NodeControl.State.SERVING, NodeControl.State.PAUSED,
                        NodeControl.State.HELD, NodeControl.State.SERVING);
            }
        }
    }
}
