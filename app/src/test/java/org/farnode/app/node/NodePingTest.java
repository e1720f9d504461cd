package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.Ping;
import org.farnode.app.protocol.PeerMessage.Pong;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a real node answers pings: at once on its network thread, whatever its compute thread is
 * doing, paused or not, before the handshake too, and without counting them as traffic.
 */
@Timeout(120)
class NodePingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private LocalNodes nodes;
    private PeerAddress address;
    private NodeService node;

    @BeforeEach
    void startNode() throws Exception {
        nodes = LocalNodes.stories260K();
        address = nodes.start(new LayerRange(0, 5));
        node = nodes.server(0).service();
    }

    @AfterEach
    void stopNode() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aPingIsAnsweredWhileAWindowWaitsBehindABusyComputeThread() throws Exception {
        GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
        CountDownLatch release = new CountDownLatch(1);
        try (PeerClient client = PeerClient.connect(address, nodes.modelId(), TIMEOUT);
             RemoteShardStage stage = client.openSession(new Fp32Codec())) {
            node.submit(() -> awaitUninterruptibly(release)); // the compute thread is busy until released
            CompletableFuture<HiddenStates> queued = stage.forwardAsync(0, gateway.embed(new int[] {1, 400}));

            Duration roundTrip;
            boolean windowStillWaiting;
            try {
                roundTrip = client.ping(Duration.ofSeconds(5));
                windowStillWaiting = !queued.isDone();
            } finally {
                release.countDown(); // before the session closes, whatever happened: its close waits for the compute thread
            }

            assertThat(roundTrip).isLessThan(Duration.ofSeconds(1));
            assertThat(windowStillWaiting).as("the window queued before the ping was still waiting when the pong came").isTrue();
            assertThat(queued.get(30, TimeUnit.SECONDS).positions()).isEqualTo(2);
        }
    }

    @Test
    void aPausedNodeAnswersPings() {
        try (PeerClient client = PeerClient.connect(address, nodes.modelId(), TIMEOUT)) {
            node.pause();
            assertThat(client.ping(Duration.ofSeconds(5))).isPositive().isLessThan(Duration.ofSeconds(1));
            node.resume();
        }
    }

    @Test
    void aPingBeforeTheHandshakeIsAnsweredAndTheHandshakeStillFollows() throws Exception {
        try (RawPeer peer = new RawPeer(address)) {
            peer.send(new Ping(-77));
            assertThat(peer.reply()).isEqualTo(new Pong(-77));
            peer.send(new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.Welcome.class);
        }
    }

    @Test
    void pingsAreLeftOutOfTheNodesAndTheConnectionsTraffic() {
        try (PeerClient client = PeerClient.connect(address, nodes.modelId(), TIMEOUT)) {
            String nodeTraffic = node.traffic().toString();
            ConnectionStats connection = node.connections().getFirst();
            for (int i = 0; i < 10; i++) {
                client.ping(Duration.ofSeconds(5));
            }
            assertThat(node.traffic().toString()).isEqualTo(nodeTraffic);
            assertThat(node.connections()).containsExactly(connection);
            assertThat(connection.bytesReceived()).as("the Hello only").isEqualTo(39);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
