package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.node.NodeEvent.Kind;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.CloseSession;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a listener on a real node hears, in what order and in which words, over real sockets. */
@Timeout(120)
class NodeEventsTest {
    private static final Fp32Codec FP32 = new Fp32Codec();
    private final List<NodeEvent> heard = new CopyOnWriteArrayList<>();
    private LocalNodes nodes;
    private PeerAddress address;
    private NodeService node;

    @BeforeEach
    void loadModel() throws Exception {
        nodes = LocalNodes.stories260K();
    }

    @AfterEach
    void stopNode() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private void startNode(NodeSettings settings) throws InterruptedException {
        address = nodes.start(new LayerRange(0, 5), settings, null);
        node = nodes.server(0).service();
        node.addEventListener(heard::add);
    }

    @Test
    void aConnectionsLifeIsToldInOrderNamingThePeer() throws Exception {
        startNode(NodeSettings.defaults());
        Instant start = Instant.now();
        String peerAddress;
        try (RawPeer peer = welcomed()) {
            peerAddress = peer.localAddress();
            peer.send(new OpenSession(5, FP32.id()));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.SessionOpened.class);
            peer.send(new Forward(99, 0, 1, FP32.id(), FP32.encode(embed(1), 0)));
            assertThat(((ErrorReply) peer.reply()).code()).isEqualTo(ErrorCode.UNKNOWN_SESSION);
            peer.send(new CloseSession(5));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.SessionClosed.class);
        }
        awaitEvent(Kind.PEER_DISCONNECTED);

        assertThat(heard).extracting(NodeEvent::kind).containsExactly(
                Kind.PEER_CONNECTED, Kind.SESSION_OPENED, Kind.ERROR, Kind.SESSION_CLOSED, Kind.PEER_DISCONNECTED);
        Instant end = Instant.now();
        assertThat(heard).allSatisfy(event -> {
            assertThat(event.message()).startsWith(peerAddress);
            assertThat(event.time()).isBetween(start, end);
        });
        assertThat(heard.get(0).message()).isEqualTo(peerAddress + " connected");
        assertThat(heard.get(1).message()).isEqualTo(peerAddress + ": session 5 opened (codec fp32)");
        assertThat(heard.get(2).message()).startsWith(peerAddress + ": session 99 refused: UNKNOWN_SESSION: session 99 is not open");
        assertThat(heard.get(3).message()).isEqualTo(peerAddress + ": session 5 closed after 0 windows, 0 positions");
        assertThat(heard.get(4).message()).startsWith(peerAddress + " disconnected (");
    }

    @Test
    void aSessionLeftOpenIsToldClosedWithItsConnection() throws Exception {
        startNode(NodeSettings.defaults());
        String peerAddress;
        try (RawPeer peer = welcomed()) {
            peerAddress = peer.localAddress();
            peer.send(new OpenSession(7, FP32.id()));
            peer.reply();
            peer.send(new Forward(7, 0, 2, FP32.id(), FP32.encode(embed(1, 2), 0)));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.ForwardResult.class);
        }
        awaitEvent(Kind.PEER_DISCONNECTED);
        assertThat(heard).extracting(NodeEvent::kind).endsWith(Kind.SESSION_CLOSED, Kind.PEER_DISCONNECTED);
        assertThat(heard.get(heard.size() - 2).message())
                .isEqualTo(peerAddress + ": session 7 closed with its connection after 1 window, 2 positions");
    }

    @Test
    void anIdleSessionIsToldExpired() throws Exception {
        startNode(NodeSettings.defaults().withIdleTimeout(Duration.ofMillis(200)));
        try (RawPeer peer = welcomed()) {
            peer.send(new OpenSession(6, FP32.id()));
            peer.reply();
            awaitEvent(Kind.SESSION_EXPIRED);
            assertThat(heard).extracting(NodeEvent::kind).containsExactly(Kind.PEER_CONNECTED, Kind.SESSION_OPENED, Kind.SESSION_EXPIRED);
            assertThat(heard.getLast().message())
                    .isEqualTo(peer.localAddress() + ": session 6 expired after 0 s without use; its cache was wiped");
        }
    }

    @Test
    void anErrorThatHangsUpIsToldAsSuch() throws Exception {
        startNode(NodeSettings.defaults());
        try (RawPeer stranger = new RawPeer(address)) {
            stranger.send(new PeerMessage.Hello(99, nodes.modelId()));
            assertThat(((ErrorReply) stranger.reply()).code()).isEqualTo(ErrorCode.WRONG_PROTOCOL_VERSION);
            assertThat(stranger.closedByNode()).isTrue();
            awaitEvent(Kind.PEER_DISCONNECTED);
            assertThat(heard).extracting(NodeEvent::kind).containsExactly(Kind.PEER_CONNECTED, Kind.ERROR, Kind.PEER_DISCONNECTED);
            assertThat(heard.get(1).message()).isEqualTo(stranger.localAddress()
                    + ": request refused: WRONG_PROTOCOL_VERSION: this node speaks protocol version " + PeerMessage.PROTOCOL_VERSION
                    + ", the gateway sent version 99 (hanging up)");
        }
    }

    @Test
    void aConnectionDroppedOnAnExceptionIsToldAsAnError() throws Exception {
        startNode(NodeSettings.defaults());
        try (Socket plain = new Socket("127.0.0.1", address.port())) {
            OutputStream out = plain.getOutputStream();
            out.write("GET / HTTP/1.1\r\n\r\n".repeat(40).getBytes(StandardCharsets.US_ASCII)); // not TLS, and long
            out.flush();
            awaitEvent(Kind.ERROR);
            NodeEvent error = heard.stream().filter(e -> e.kind() == Kind.ERROR).findFirst().orElseThrow();
            assertThat(error.message()).startsWith("127.0.0.1:" + plain.getLocalPort() + ": connection closed after an error: ")
                    .contains("SSL").hasSizeLessThan(300);
        }
    }

    @Test
    void pauseAndResumeAreToldOnceEachWhenCalledTwice() throws Exception {
        startNode(NodeSettings.defaults());
        node.pause();
        node.pause();
        node.resume();
        node.resume();
        assertThat(heard).extracting(NodeEvent::kind).containsExactly(Kind.PAUSED, Kind.RESUMED);
        assertThat(heard.get(0).message()).contains("paused");
        assertThat(heard.get(1).message()).contains("resumed");
    }

    @Test
    void aListenerThatThrowsHarmsNeitherTheNodeNorTheListenersAfterIt() throws Exception {
        startNode(NodeSettings.defaults());
        List<NodeEvent> later = new CopyOnWriteArrayList<>();
        NodeEventListener failing = event -> {
            throw new IllegalStateException("a listener's bug");
        };
        NodeEventListener recording = later::add;
        node.addEventListener(failing);
        node.addEventListener(recording);
        try (RawPeer peer = welcomed()) {
            peer.send(new OpenSession(9, FP32.id()));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.SessionOpened.class);
            peer.send(new Forward(9, 0, 1, FP32.id(), FP32.encode(embed(1), 0)));
            assertThat(peer.reply()).as("the node serves on").isInstanceOf(PeerMessage.ForwardResult.class);
        }
        awaitEvent(Kind.PEER_DISCONNECTED);
        assertThat(later).extracting(NodeEvent::kind).containsExactly(
                Kind.PEER_CONNECTED, Kind.SESSION_OPENED, Kind.SESSION_CLOSED, Kind.PEER_DISCONNECTED);

        node.removeEventListener(failing);
        node.removeEventListener(recording);
        node.pause();
        assertThat(heard).extracting(NodeEvent::kind).endsWith(Kind.PAUSED);
        assertThat(later).as("a removed listener hears nothing").hasSize(4);
    }

    private RawPeer welcomed() throws InterruptedException {
        RawPeer peer = new RawPeer(address);
        peer.send(new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()));
        assertThat(peer.reply()).isInstanceOf(PeerMessage.Welcome.class);
        return peer;
    }

    private void awaitEvent(Kind kind) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (heard.stream().noneMatch(e -> e.kind() == kind) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(heard).extracting(NodeEvent::kind).as("events heard").contains(kind);
    }

    private HiddenStates embed(int... tokens) {
        return new GatewayModel(nodes.model().weights(), nodes.ops()).embed(tokens);
    }
}
