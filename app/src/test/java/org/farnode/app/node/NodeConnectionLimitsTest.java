package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-address limits of a real node on loopback, with raw TCP sockets for the attackers and
 * real gateways ({@link PeerClient}, {@link PeerRoute}) beside them: a flood past the open
 * limit is refused while honest gateways are served, a burst past the rate is refused, and
 * connections that do not complete the handshake in time (silent, dribbling, or TLS without
 * Hello) are closed while a gateway that did stays.
 */
class NodeConnectionLimitsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final LayerRange LAYERS = new LayerRange(0, 5);
    private static LocalNodes nodes;

    @BeforeAll
    static void loadModel() throws Exception {
        nodes = LocalNodes.stories260K();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    /** A node under {@code limits}, its server, and the events it tells. */
    private record Node(PeerAddress address, NodeServer server, List<NodeEvent> events) {
        List<String> refusals() {
            return events.stream().filter(e -> e.kind() == NodeEvent.Kind.CONNECTION_REFUSED).map(NodeEvent::message).toList();
        }
    }

    private static int started;

    private static Node start(ConnectionLimits limits) throws InterruptedException {
        PeerAddress address = nodes.startWithLimits(LAYERS, NodeSettings.defaults(), limits);
        NodeServer server = nodes.server(started++);
        List<NodeEvent> events = new CopyOnWriteArrayList<>();
        server.service().addEventListener(events::add);
        return new Node(address, server, events);
    }

    @Test
    void aFloodPastTheOpenLimitIsRefusedWhileAGatewayConnectedBeforeKeepsBeingServed() throws Exception {
        Node node = start(new ConnectionLimits(4, 1000, Duration.ofSeconds(10)));
        try (PeerRoute honest = PeerRoute.open(List.of(node.address), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
            honest.stages().getFirst().forward(0, nodes.window(3));
            List<Socket> flood = connect("127.0.0.1", node.address, 12);
            try {
                await(() -> node.server.refusedConnections() == 9, "9 of 12 refused: the gateway and 3 of the flood fill the 4");
                assertThat(closedByNode(flood.getLast(), Duration.ofSeconds(5))).as("the last of the flood is closed").isTrue();
                assertThat(node.refusals()).as("one line for nine refusals within a second").hasSize(1);
                assertThat(node.refusals().getFirst())
                        .isEqualTo("refused a connection from 127.0.0.1: 4 connections already open from it (the limit per address)");
                honest.stages().getFirst().forward(3, nodes.window(1)); // still served
            } finally {
                closeAll(flood);
            }
            try (PeerClient after = PeerClient.connect(node.address, nodes.modelId(), TIMEOUT)) {
                assertThat(after.ping(TIMEOUT)).as("a new gateway once the flood has gone").isPositive();
            }
        }
    }

    @Test
    void aFloodFromOneAddressLeavesAnotherAddressServed() throws Exception {
        Assumptions.assumeTrue(canBind("127.0.0.2"), "127.0.0.2 is not a loopback address here (it is on Linux)");
        Node node = start(new ConnectionLimits(4, 1000, Duration.ofSeconds(10)));
        List<Socket> flood = connect("127.0.0.2", node.address, 10);
        try {
            await(() -> node.server.refusedConnections() == 6, "6 of the flood's 10 refused");
            assertThat(node.refusals().getFirst()).startsWith("refused a connection from 127.0.0.2: 4 connections already open");
            try (PeerRoute honest = PeerRoute.open(List.of(node.address), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                assertThat(honest.stages().getFirst().forward(0, nodes.window(2)).positions()).isEqualTo(2);
            }
        } finally {
            closeAll(flood);
        }
    }

    @Test
    void aBurstPastTheRateIsRefusedAndTheNextSecondLetsAGatewayIn() throws Exception {
        Node node = start(new ConnectionLimits(100, 2, Duration.ofSeconds(10)));
        List<Socket> burst = connect("127.0.0.1", node.address, 12);
        closeAll(burst);
        // 2 from the bucket, and one more for each half second the node took to accept the burst
        await(() -> node.server.refusedConnections() >= 6, "at least 6 of a burst of 12 refused at 2 per second");
        assertThat(node.refusals().getFirst()).isEqualTo("refused a connection from 127.0.0.1: more than 2 new connections per second from it");
        Thread.sleep(600);
        try (PeerClient after = PeerClient.connect(node.address, nodes.modelId(), TIMEOUT)) {
            assertThat(after.ping(TIMEOUT)).isPositive();
        }
    }

    @Test
    void connectionsWithoutAHandshakeByTheDeadlineAreClosedAndAGatewayThatCompletedItStays() throws Exception {
        Duration deadline = Duration.ofMillis(500);
        Node node = start(new ConnectionLimits(8, 1000, deadline));
        try (PeerClient honest = PeerClient.connect(node.address, nodes.modelId(), TIMEOUT);
             Socket silent = connect("127.0.0.1", node.address, 1).getFirst();
             Socket dribbling = connect("127.0.0.1", node.address, 1).getFirst();
             RawPeer tlsOnly = new RawPeer(node.address)) {
            long start = System.nanoTime();
            // A TLS record header promising 512 bytes of handshake, then a byte every 100 ms: never a whole record.
            dribbling.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
            assertThat(closedWhileDribbling(dribbling, Duration.ofSeconds(10))).as("the dribbling client is closed").isTrue();
            assertThat(closedByNode(silent, Duration.ofSeconds(10))).as("the silent client is closed").isTrue();
            assertThat(tlsOnly.closedByNode()).as("TLS without Hello is closed").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(deadline.minusMillis(100));
            assertThat(honest.ping(TIMEOUT)).as("the gateway that said Hello, past the deadline").isPositive();
            await(() -> node.server.handshakeTimeouts() == 3, "3 handshake timeouts");
            assertThat(node.refusals()).hasSize(3).allSatisfy(line -> assertThat(line).endsWith(": closed: no handshake within 0.5 s (TLS, then Hello)"));
        }
    }

    private static List<Socket> connect(String from, PeerAddress node, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(node.host(), node.port()), 5000);
            sockets.add(socket);
        }
        return sockets;
    }

    private static boolean canBind(String address) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the node closed {@code socket} (end of stream or a reset) within {@code wait}. */
    private static boolean closedByNode(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Sends a byte every 100 ms until the node closes the connection (true) or {@code wait} passes (false). */
    private static boolean closedWhileDribbling(Socket socket, Duration wait) throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        socket.setSoTimeout(100);
        while (System.nanoTime() < end) {
            try {
                out.write(0);
                if (in.read() == -1) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open: dribble on
            } catch (SocketException reset) {
                return true;
            }
        }
        return false;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
