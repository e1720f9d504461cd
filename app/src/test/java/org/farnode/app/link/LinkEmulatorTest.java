package org.farnode.app.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bytes and closes through the emulator over loopback sockets: nothing lost, reordered or held back. */
@Timeout(60)
class LinkEmulatorTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private ServerSocket target;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void openTarget() throws IOException {
        target = new ServerSocket(0, 50, LOOPBACK);
    }

    @AfterEach
    void closeTarget() throws IOException {
        target.close();
        threads.shutdownNow();
    }

    private LinkEmulator emulator(LinkSettings settings) throws IOException {
        return LinkEmulator.start(LOOPBACK.getHostAddress(), 0, new InetSocketAddress(LOOPBACK, target.getLocalPort()), settings);
    }

    /** A client through the emulator and the target's end of the same connection. */
    private record Pair(Socket client, Socket server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            server.close();
        }
    }

    private Pair connect(LinkEmulator emulator) throws IOException {
        Socket client = new Socket(emulator.address().getAddress(), emulator.address().getPort());
        return new Pair(client, target.accept());
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code bytes} in pieces of varying size, then half-closes. */
    private Future<Void> send(Socket socket, byte[] bytes, long seed) {
        return threads.submit(() -> {
            Random random = new Random(seed);
            var out = socket.getOutputStream();
            for (int offset = 0; offset < bytes.length; ) {
                int length = Math.min(bytes.length - offset, 1 + random.nextInt(100_000));
                out.write(bytes, offset, length);
                offset += length;
            }
            socket.shutdownOutput();
            return null;
        });
    }

    @Test
    void bytesOfManySizesPassUnchangedBothWaysAtOnce() throws Exception {
        LinkSettings settings = new LinkSettings(OneWayLink.of(3, 200), OneWayLink.of(5, 0));
        try (LinkEmulator emulator = emulator(settings)) {
            for (int size : new int[] {0, 1, 7, 1460, 1461, 65_536, 65_537, 1_000_003}) {
                try (Pair pair = connect(emulator)) {
                    byte[] up = random(size, size);
                    byte[] down = random(size + 11, -size);
                    Future<Void> sendingUp = send(pair.client(), up, 1);
                    Future<Void> sendingDown = send(pair.server(), down, 2);
                    Future<byte[]> receivedDown = threads.submit(() -> pair.client().getInputStream().readAllBytes());
                    assertThat(pair.server().getInputStream().readAllBytes()).as("up, %d bytes", size).isEqualTo(up);
                    assertThat(receivedDown.get()).as("down, %d bytes", size + 11).isEqualTo(down);
                    sendingUp.get();
                    sendingDown.get();
                }
            }
        }
    }

    @Test
    void concurrentConnectionsKeepTheirOwnBytes() throws Exception {
        try (LinkEmulator emulator = emulator(LinkSettings.symmetric(OneWayLink.of(2, 100)))) {
            int connections = 8;
            List<Future<Void>> echoes = new ArrayList<>();
            List<Pair> pairs = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Pair pair = connect(emulator);
                pairs.add(pair);
                // The target echoes, so every byte crosses the emulator twice.
                echoes.add(threads.submit(() -> {
                    pair.server().getInputStream().transferTo(pair.server().getOutputStream());
                    pair.server().shutdownOutput();
                    return null;
                }));
            }
            List<Future<byte[]>> replies = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                byte[] bytes = random(50_000 + 30_011 * i, i);
                sent.add(bytes);
                Pair pair = pairs.get(i);
                send(pair.client(), bytes, i);
                replies.add(threads.submit(() -> pair.client().getInputStream().readAllBytes()));
            }
            for (int i = 0; i < connections; i++) {
                assertThat(replies.get(i).get()).as("connection %d", i).isEqualTo(sent.get(i));
                echoes.get(i).get();
                pairs.get(i).close();
            }
            assertThat(emulator.connectionsAccepted()).isEqualTo(connections);
        }
    }

    @Test
    void aHalfCloseReachesTheTargetWhileTheOtherDirectionStaysOpen() throws Exception {
        try (LinkEmulator emulator = emulator(LinkSettings.symmetric(OneWayLink.of(5, 0)));
             Pair pair = connect(emulator)) {
            pair.client().getOutputStream().write(new byte[] {1, 2, 3});
            pair.client().shutdownOutput();
            assertThat(pair.server().getInputStream().readAllBytes()).containsExactly(1, 2, 3);
            pair.server().getOutputStream().write(new byte[] {4, 5});
            pair.server().close();
            assertThat(pair.client().getInputStream().readAllBytes()).containsExactly(4, 5);
        }
    }

    @Test
    void aTargetThatClosesEndsTheClientsStream() throws Exception {
        try (LinkEmulator emulator = emulator(LinkSettings.symmetric(OneWayLink.of(1, 0)));
             Pair pair = connect(emulator)) {
            pair.server().close();
            assertThat(pair.client().getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aClientThatClosesEndsTheTargetsStream() throws Exception {
        try (LinkEmulator emulator = emulator(LinkSettings.symmetric(OneWayLink.of(1, 0)));
             Pair pair = connect(emulator)) {
            pair.client().close();
            assertThat(pair.server().getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void closingTheEmulatorClosesItsConnectionsAndItsPort() throws Exception {
        LinkEmulator emulator = emulator(LinkSettings.symmetric(OneWayLink.of(1, 0)));
        InetSocketAddress address = emulator.address();
        try (Pair pair = connect(emulator)) {
            emulator.close();
            InputStream fromEmulator = pair.client().getInputStream();
            assertThat(readOrReset(fromEmulator)).isEqualTo(-1);
        }
        assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close()).isInstanceOf(IOException.class);
    }

    /** A closed connection reads as end of stream, or as a reset when unread bytes were pending. */
    private static int readOrReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }

    @Test
    void aTargetThatRefusesClosesTheClient() throws Exception {
        int refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, LOOPBACK)) {
            refusing = closed.getLocalPort();
        }
        try (LinkEmulator emulator = LinkEmulator.start(LOOPBACK.getHostAddress(), 0,
                new InetSocketAddress(LOOPBACK, refusing), LinkSettings.symmetric(OneWayLink.UNLIMITED));
             Socket client = new Socket(emulator.address().getAddress(), emulator.address().getPort())) {
            assertThat(readOrReset(client.getInputStream())).isEqualTo(-1);
        }
    }

    @Test
    void settingsOutsideTheirRangeAreRefusedByName() {
        assertThatThrownBy(() -> OneWayLink.of(-1, 0)).hasMessageContaining("delay");
        assertThatThrownBy(() -> OneWayLink.of(0, -5)).hasMessageContaining("rate");
        assertThatThrownBy(() -> LinkEmulator.start("127.0.0.1", 70_000, new InetSocketAddress(LOOPBACK, 1),
                LinkSettings.symmetric(OneWayLink.UNLIMITED))).hasMessageContaining("listen port");
    }
}
