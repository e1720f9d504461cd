package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.directory.InMemoryDirectory;
import org.farnode.app.directory.NodeRecord;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.ForwardResult;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real node leaving gracefully: it withdraws from its directory, refuses new sessions and
 * windows, finishes the window it had taken, tells its gateways and hangs up; a gateway
 * generating through it goes on with a spare and the text stays the reference. To have a window
 * in flight when the node starts leaving, whatever the speed of the machine, the test holds the
 * node's compute thread until the window has arrived.
 */
@Timeout(180)
class NodeLeavingTest {
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Fp32Codec FP32 = new Fp32Codec();

    @Test
    void theNodeOfAHopLeavesMidGenerationAfterFinishingItsWindowAndASpareCarriesOnWithTheSameText() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(0, 2)), nodes.start(new LayerRange(2, 4)),
                    nodes.start(new LayerRange(2, 4)), nodes.start(new LayerRange(4, 5)));
            InMemoryDirectory directory = new InMemoryDirectory();
            for (int i = 0; i < peers.size(); i++) {
                nodes.server(i).announceTo(directory);
            }
            try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), 5, FP32, TIMEOUT)) {
                RemoteShardStage picked = route.stages().get(1);
                int pickedIndex = peers.indexOf(picked.peer().address());
                NodeServer leaving = nodes.server(pickedIndex);
                Generator generator = new Generator(new GatewayModel(nodes.model().weights(), nodes.ops()),
                        nodes.model().tokenizer(), List.copyOf(route.hops()));
                StringBuilder text = new StringBuilder();
                int[] tokens = {0};
                CompletableFuture<Departure> departure = new CompletableFuture<>();
                GenerationResult result = generator.generate("", 256, GREEDY, (id, piece) -> {
                    text.append(piece);
                    if (++tokens[0] == 60) {
                        leaveWithTheNextWindowQueued(leaving, departure);
                    }
                });

                assertThat(text.toString().strip()).isEqualTo(Stories260K.greedyText256().strip());
                assertThat(result.generatedTokens()).hasSize(tokens[0]);
                Departure done = departure.get(30, TimeUnit.SECONDS);
                assertThat(done.windowsFinished()).as("the window in flight when it began to leave").isEqualTo(1);
                assertThat(done.requestsUnfinished()).isZero();
                assertThat(done.gatewaysTold()).isEqualTo(1);
                assertThat(done.directoriesLeft()).isEqualTo(1);
                assertThat(done.describe()).isEqualTo("finished 1 window, told 1 gateway, withdrew from the directory");
                assertThat(directory.nodesServing(nodes.modelId())).extracting(NodeRecord::address)
                        .containsExactlyInAnyOrderElementsOf(peers.stream().filter(p -> p != peers.get(pickedIndex)).toList());
                assertThat(route.hops().get(1).lost()).containsExactly(picked);
                assertThat(route.stages().get(1).peer().address()).isEqualTo(peers.get(pickedIndex == 1 ? 2 : 1));
                route.closeSessions();
            }
        }
    }

    /**
     * From the token listener, when no window is in flight: holds the node's compute thread, and
     * once the gateway's next window waits on it, starts the node leaving and lets the thread go.
     */
    private static void leaveWithTheNextWindowQueued(NodeServer server, CompletableFuture<Departure> departure) {
        NodeService node = server.service();
        CountDownLatch release = new CountDownLatch(1);
        node.submit(() -> awaitUninterruptibly(release));
        Thread.ofPlatform().name("leave").start(() -> {
            try {
                awaitQueued(node, 1);
                Thread.ofPlatform().name("shutdown").start(() -> {
                    try {
                        departure.complete(server.shutdownGracefully(GRACE));
                    } catch (Throwable e) {
                        departure.completeExceptionally(e);
                    }
                });
                while (!node.isLeaving()) {
                    Thread.sleep(1);
                }
            } catch (Throwable e) {
                departure.completeExceptionally(e);
            } finally {
                release.countDown();
            }
        });
    }

    @Test
    void aLeavingNodeRefusesNewSessionsAndWindowsFinishesWhatItTookThenSaysSoAndHangsUp() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            PeerAddress address = nodes.start(new LayerRange(0, 5));
            NodeServer server = nodes.server(0);
            NodeService node = server.service();
            try (RawPeer peer = new RawPeer(address)) {
                peer.send(new Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()));
                assertThat(peer.reply()).isInstanceOf(PeerMessage.Welcome.class);
                peer.send(new OpenSession(1, FP32.id()));
                assertThat(peer.reply()).isInstanceOf(PeerMessage.SessionOpened.class);

                CountDownLatch release = new CountDownLatch(1);
                node.submit(() -> awaitUninterruptibly(release));
                peer.send(new Forward(1, 0, 100, FP32.id(), FP32.encode(nodes.window(100), 0)));
                awaitQueued(node, 1);
                CompletableFuture<Departure> departure = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.shutdownGracefully(GRACE);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                while (!node.isLeaving()) {
                    Thread.sleep(1);
                }
                peer.send(new Forward(1, 100, 1, FP32.id(), FP32.encode(nodes.window(1), 0)));
                peer.send(new OpenSession(2, FP32.id()));
                awaitQueued(node, 3);
                release.countDown();

                List<PeerMessage> replies = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    replies.add(peer.reply());
                }
                List<PeerMessage> firstSession = replies.stream().filter(r -> r.sessionId() == 1).toList();
                assertThat(firstSession).hasSize(2);
                assertThat(firstSession.getFirst()).as("the window taken before").isInstanceOfSatisfying(ForwardResult.class,
                        r -> assertThat(r.positions()).isEqualTo(100));
                List<PeerMessage> refused = List.of(firstSession.getLast(),
                        replies.stream().filter(r -> r.sessionId() == 2).findFirst().orElseThrow());
                assertThat(refused).as("the window and the session that came after").allSatisfy(r ->
                        assertThat(r).isInstanceOfSatisfying(ErrorReply.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.NODE_LEAVING);
                            assertThat(e.message()).contains("leaving the network").contains("takes no new sessions or windows");
                        }));
                assertThat(replies.getLast()).as("the farewell").isInstanceOfSatisfying(ErrorReply.class, e -> {
                    assertThat(e.sessionId()).isZero();
                    assertThat(e.code()).isEqualTo(ErrorCode.NODE_LEAVING);
                    assertThat(e.message()).isEqualTo("this node is leaving the network; it finished the 1 window it had taken; "
                            + "move your sessions to other nodes serving layers [0, 5)");
                });
                assertThat(peer.closedByNode()).isTrue();
                assertThat(departure.get(30, TimeUnit.SECONDS).describe()).isEqualTo("finished 1 window, told 1 gateway");
            }
        }
    }

    /** Waits until exactly {@code requests} wait: a request just answered leaves the count a moment after its reply. */
    private static void awaitQueued(NodeService node, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (node.queuedRequests() != requests) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the node did not get " + requests + " requests within 30 s");
            }
            Thread.sleep(1);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
