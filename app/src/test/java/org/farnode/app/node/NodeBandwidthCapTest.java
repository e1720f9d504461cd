package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator's bandwidth caps on a real node over real sockets and TLS: a cap slows the
 * windows (download) or their replies (upload) to about the rate it names, on connections open
 * when it is set and those opened later, and lifting it makes the next windows fast again.
 */
@Timeout(180)
class NodeBandwidthCapTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long CAP_BYTES_PER_SECOND = 64 * 1024;
    /** Fp32 windows of 256 positions of stories260K's 64 floats: 64 KiB each, 320 KiB for the five. */
    private static final int WINDOW_POSITIONS = 256;
    private static final int WINDOWS = 5;
    /** 320 KiB at 64 KiB/s is 5 s; a burst the socket buffers take before the cap bites may shorten it, not halve it. */
    private static final Duration CAPPED_AT_LEAST = Duration.ofSeconds(3);
    /** A cap that let through well under its rate would take longer than this. */
    private static final Duration CAPPED_AT_MOST = Duration.ofSeconds(8);
    /**
     * Two of the shaper's intervals: a window read in the first interval under a new cap is charged
     * the last interval's traffic from before it too (once; see NodeServer.setRateLimits), which
     * would make the figure depend on how fast the windows before the cap went.
     */
    private static final long SHAPER_SETTLES_MILLIS = 200;
    private static final Duration UNCAPPED_AT_MOST = Duration.ofMillis(1500);
    private LocalNodes nodes;
    private PeerAddress address;
    private NodeServer server;
    private HiddenStates window;

    @BeforeEach
    void startNode() throws Exception {
        nodes = LocalNodes.stories260K();
        address = nodes.start(new LayerRange(0, 5));
        server = nodes.server(0);
        window = nodes.window(WINDOW_POSITIONS);
    }

    @AfterEach
    void stopNode() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aDownloadCapSlowsWindowsOnAnOpenConnectionAndLiftingItMakesThemFastAgain() throws InterruptedException {
        try (PeerClient client = PeerClient.connect(address, nodes.modelId(), TIMEOUT);
             RemoteShardStage stage = client.openSession(new Fp32Codec())) {
            windows(stage); // warm up
            Duration uncapped = windows(stage);

            server.setRateLimits(0, CAP_BYTES_PER_SECOND);
            Thread.sleep(SHAPER_SETTLES_MILLIS);
            long sentBefore = stage.traffic().bytesSent();
            Duration capped = windows(stage);
            long sent = stage.traffic().bytesSent() - sentBefore;

            server.setRateLimits(0, 0);
            Duration lifted = windows(stage);

            System.out.printf("download cap: %d KiB to the node took %d ms uncapped, %d ms at 64 KiB/s (%.1f KiB/s), %d ms after"
                    + " lifting the cap%n", sent / 1024, uncapped.toMillis(), capped.toMillis(), sent / 1024.0 / (capped.toMillis() / 1000.0),
                    lifted.toMillis());
            assertThat(sent).as("the windows' frames").isGreaterThanOrEqualTo(256 * 1024);
            assertThat(uncapped).isLessThan(UNCAPPED_AT_MOST);
            assertThat(capped).isBetween(CAPPED_AT_LEAST, CAPPED_AT_MOST);
            assertThat(lifted).isLessThan(UNCAPPED_AT_MOST);
        }
    }

    @Test
    void anUploadCapSlowsRepliesOnConnectionsOpenedAfterItWasSet() {
        server.setRateLimits(CAP_BYTES_PER_SECOND, 0);
        try (PeerClient client = PeerClient.connect(address, nodes.modelId(), TIMEOUT);
             RemoteShardStage stage = client.openSession(new Fp32Codec())) {
            long receivedBefore = stage.traffic().bytesReceived();
            Duration capped = windows(stage);
            long received = stage.traffic().bytesReceived() - receivedBefore;

            server.setRateLimits(0, 0);
            windows(stage); // lets a reply still held back by the cap go
            Duration lifted = windows(stage);

            System.out.printf("upload cap: %d KiB from the node took %d ms at 64 KiB/s, %d ms after lifting the cap%n",
                    received / 1024, capped.toMillis(), lifted.toMillis());
            assertThat(received).as("the replies' frames").isGreaterThanOrEqualTo(256 * 1024);
            assertThat(capped).isBetween(CAPPED_AT_LEAST, CAPPED_AT_MOST);
            assertThat(lifted).isLessThan(UNCAPPED_AT_MOST);
        }
    }

    @Test
    void negativeCapsAreRefusedAndTheOldOnesKept() {
        server.setRateLimits(1000, 2000);
        assertThatThrownBy(() -> server.setRateLimits(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 (unlimited) or a positive number of bytes per second").hasMessageContaining("-1");
        assertThatThrownBy(() -> server.setRateLimits(0, -5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
        assertThat(server.uploadLimit()).isEqualTo(1000);
        assertThat(server.downloadLimit()).isEqualTo(2000);
    }

    /** How long {@link #WINDOWS} windows take one after the other, each from position 0. */
    private Duration windows(RemoteShardStage stage) {
        long start = System.nanoTime();
        for (int i = 0; i < WINDOWS; i++) {
            assertThat(stage.forward(0, window).positions()).isEqualTo(WINDOW_POSITIONS);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
