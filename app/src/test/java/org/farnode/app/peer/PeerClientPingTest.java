package org.farnode.app.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.link.LinkEmulator;
import org.farnode.app.link.LinkSettings;
import org.farnode.app.link.OneWayLink;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link PeerClient#ping} against a real node over TLS: what it measures, when it fails, and that sessions do not notice it. */
@Timeout(120)
class PeerClientPingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private LocalNodes nodes;
    private PeerAddress node;

    @BeforeEach
    void startNode() throws Exception {
        nodes = LocalNodes.stories260K();
        node = nodes.start(new LayerRange(0, 5));
    }

    @AfterEach
    void stopNode() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aPingOnLoopbackTakesMoreThanNothingAndLessThanASecond() {
        try (PeerClient client = PeerClient.connect(node, nodes.modelId(), TIMEOUT)) {
            for (int i = 0; i < 5; i++) {
                Duration roundTrip = client.ping(Duration.ofSeconds(5));
                assertThat(roundTrip).isPositive().isLessThan(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void aPingMeasuresTheLinksRoundTrip() throws Exception {
        try (LinkEmulator link = delayed(Duration.ofMillis(40));
             PeerClient client = PeerClient.connect(through(link), nodes.modelId(), TIMEOUT)) {
            Duration roundTrip = client.ping(Duration.ofSeconds(5));
            assertThat(roundTrip).as("40 ms each way").isGreaterThanOrEqualTo(Duration.ofMillis(80)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aPingWithoutAPongInTimeFailsNamingTheNodeAndTheLatePongIsIgnored() throws Exception {
        try (LinkEmulator link = delayed(Duration.ofMillis(100));
             PeerClient client = PeerClient.connect(through(link), nodes.modelId(), TIMEOUT)) {
            assertThatThrownBy(() -> client.ping(Duration.ofMillis(20)))
                    .isInstanceOf(PeerException.class)
                    .hasMessageContaining(node.nodeId().substring(0, 12))
                    .hasMessageContaining("did not answer a ping within 20 ms");
            Thread.sleep(300); // the late pong arrives and must find nothing to complete
            assertThat(client.ping(Duration.ofSeconds(5))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    @Test
    void aPingOnAClosedConnectionFailsSayingSo() {
        PeerClient client = PeerClient.connect(node, nodes.modelId(), TIMEOUT);
        client.close();
        assertThatThrownBy(() -> client.ping(Duration.ofSeconds(5)))
                .isInstanceOf(PeerException.class)
                .hasMessageContaining("cannot ping").hasMessageContaining(node.nodeId().substring(0, 12));
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefused() {
        try (PeerClient client = PeerClient.connect(node, nodes.modelId(), TIMEOUT)) {
            assertThatThrownBy(() -> client.ping(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        }
    }

    @Test
    void pingsDuringAGenerationLeaveItsResultsExactlyAsWithoutThem() throws Exception {
        GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
        int windows = 40;
        int minimumPings = 10;
        AtomicInteger pings = new AtomicInteger();
        try (PeerClient client = PeerClient.connect(node, nodes.modelId(), TIMEOUT);
             RemoteShardStage stage = client.openSession(new Fp32Codec());
             ShardSession reference = new ShardRunner(nodes.model().weights(), LayerRange.all(5), nodes.ops()).openSession()) {
            // Windows go on another thread, one after another, until this thread has pinged in between enough times.
            CompletableFuture<List<HiddenStates>> generation = CompletableFuture.supplyAsync(() -> {
                List<HiddenStates> outputs = new ArrayList<>();
                outputs.add(stage.forward(0, gateway.embed(new int[] {1, 400, 401, 402})));
                for (int position = 4; position < 4 + windows || pings.get() < minimumPings && position < 400; position++) {
                    outputs.add(stage.forward(position, gateway.embed(new int[] {token(position)})));
                }
                return outputs;
            });
            while (!generation.isDone()) {
                assertThat(client.ping(Duration.ofSeconds(5))).isPositive();
                pings.incrementAndGet();
            }
            List<HiddenStates> remote = generation.get(60, TimeUnit.SECONDS);

            assertThat(pings.get()).isGreaterThanOrEqualTo(minimumPings);
            assertThat(remote.getFirst().values())
                    .containsExactly(reference.forward(0, gateway.embed(new int[] {1, 400, 401, 402})).values());
            for (int i = 1; i < remote.size(); i++) {
                int position = 3 + i;
                float[] expected = reference.forward(position, gateway.embed(new int[] {token(position)})).values();
                assertThat(remote.get(i).values()).as("window at position %d", position).containsExactly(expected);
            }
            assertThat(stage.traffic().windows()).as("every window's reply reached the session").isEqualTo(remote.size());
        }
    }

    private static int token(int position) {
        return 3 + position * 7 % 500;
    }

    private LinkEmulator delayed(Duration oneWay) throws Exception {
        OneWayLink direction = new OneWayLink(oneWay.toNanos(), 0);
        return LinkEmulator.start("127.0.0.1", 0, new InetSocketAddress("127.0.0.1", node.port()),
                LinkSettings.symmetric(direction));
    }

    private PeerAddress through(LinkEmulator link) {
        return new PeerAddress("127.0.0.1", link.address().getPort(), node.nodeId());
    }
}
