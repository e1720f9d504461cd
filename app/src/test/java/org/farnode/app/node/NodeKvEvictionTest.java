package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.PeerException;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real node whose KV budget holds about two sessions, asked for a third: it evicts the session
 * unused longest, once that one has been idle long enough, and counts every byte back.
 */
@Timeout(120)
class NodeKvEvictionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EVICTABLE_AFTER = Duration.ofMillis(200);
    /** Two sessions of 8 positions fit, with 4 to spare. */
    private static final int BUDGET_POSITIONS = 20;
    private final List<NodeEvent> heard = new CopyOnWriteArrayList<>();
    private LocalNodes nodes;
    private NodeService node;
    private PeerClient client;
    private long perPosition;

    @BeforeEach
    void startNode() throws Exception {
        nodes = LocalNodes.stories260K();
        perPosition = 2L * Float.BYTES * nodes.model().config().kvDimension() * 5;
        PeerAddress address = nodes.start(new LayerRange(0, 5), NodeSettings.defaults()
                .withKvBudgetBytes(perPosition * BUDGET_POSITIONS).withEvictableAfter(EVICTABLE_AFTER), null);
        node = nodes.server(0).service();
        node.addEventListener(heard::add);
        client = PeerClient.connect(address, nodes.modelId(), TIMEOUT);
    }

    @AfterEach
    void stopNode() throws Exception {
        if (client != null) {
            client.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void theSessionIdleLongestMakesRoomForAThirdAndItsNextRequestSaysItWasEvicted() throws Exception {
        RemoteShardStage oldest = client.openSession(new Fp32Codec());
        RemoteShardStage older = client.openSession(new Fp32Codec());
        RemoteShardStage third = client.openSession(new Fp32Codec());
        oldest.forward(0, nodes.window(8));
        older.forward(0, nodes.window(8));
        assertThat(node.freeKvBytes()).isEqualTo(4 * perPosition);
        Thread.sleep(EVICTABLE_AFTER.toMillis() + 100);

        third.forward(0, nodes.window(8));

        assertThat(node.freeKvBytes()).as("the budget less the two sessions left, each of 8 positions").isEqualTo(4 * perPosition);
        assertThat(node.openSessions()).isEqualTo(2);
        assertThat(heard).filteredOn(e -> e.kind() == NodeEvent.Kind.SESSION_EVICTED).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("session " + oldest.sessionId() + " evicted after")
                        .contains("its 8 cached positions were wiped to make room for a window of 8 positions"));
        assertThatThrownBy(() -> oldest.forward(8, nodes.window(1)))
                .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SESSION_EXPIRED))
                .hasMessageContaining("was evicted after").hasMessageContaining("to make room for another session's window")
                .hasMessageContaining("open a new session");
        older.forward(8, nodes.window(1));
        assertThat(node.freeKvBytes()).isEqualTo(3 * perPosition);

        older.close();
        third.close();
        assertThat(node.freeKvBytes()).as("everything back").isEqualTo(BUDGET_POSITIONS * perPosition);
    }

    @Test
    void noSessionIsEvictedForAWindowThatWouldNotFitAnywayAndOnlyAsManyAsNeededOtherwise() throws Exception {
        RemoteShardStage idleLongest = client.openSession(new Fp32Codec());
        RemoteShardStage idle = client.openSession(new Fp32Codec());
        RemoteShardStage asking = client.openSession(new Fp32Codec());
        idleLongest.forward(0, nodes.window(8));
        idle.forward(0, nodes.window(8));
        Thread.sleep(EVICTABLE_AFTER.toMillis() + 100);

        // 4 positions free and 16 idle: 21 cannot be had, and evicting the idle sessions would be for nothing.
        assertThatThrownBy(() -> asking.forward(0, nodes.window(BUDGET_POSITIONS + 1)))
                .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.OUT_OF_CAPACITY))
                .hasMessageContaining("hold too little");
        assertThat(heard).noneMatch(e -> e.kind() == NodeEvent.Kind.SESSION_EVICTED);
        assertThat(node.freeKvBytes()).isEqualTo(4 * perPosition);

        // 12 can: the session idle longest goes, and it is enough.
        asking.forward(0, nodes.window(12));
        assertThat(heard).filteredOn(e -> e.kind() == NodeEvent.Kind.SESSION_EVICTED).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("session " + idleLongest.sessionId() + " evicted"));
        assertThat(node.freeKvBytes()).isZero();
        assertThat(node.openSessions()).as("the other idle session is kept").isEqualTo(2);
    }
}
