package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.ForwardResult;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions share a real node's compute thread fairly, over real sockets: a long prompt is
 * computed in chunks with another session's decode step between them, and computes what it
 * would in one piece. The compute thread is held while the requests arrive, so that what is
 * checked is the order the node serves them in, whatever the speed of the machine.
 */
@Timeout(120)
class NodeFairnessTest {
    private static final Fp32Codec FP32 = new Fp32Codec();
    private static final int LONG_PROMPT = 400;
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
    void aDecodeStepSentAfterALongPromptIsAnsweredFirstAndThePromptComputesWhatItWouldInOnePiece() throws Exception {
        HiddenStates prompt = nodes.window(LONG_PROMPT);
        try (RawPeer peer = welcomedWithSessions(1, 2)) {
            List<PeerMessage> replies = sendWhileTheComputeThreadIsHeld(peer, List.of(
                    new Forward(1, 0, LONG_PROMPT, FP32.id(), FP32.encode(prompt, 0)),
                    new Forward(2, 0, 1, FP32.id(), FP32.encode(nodes.window(1), 0))));

            assertThat(replies).extracting(PeerMessage::sessionId).as("the decode step's answer comes first").containsExactly(2L, 1L);
            ForwardResult chunked = (ForwardResult) replies.get(1);
            assertThat(chunked.positions()).isEqualTo(LONG_PROMPT);
            float[] inChunks = FP32.decode(chunked.payload(), LONG_PROMPT, prompt.width(), 5).values();
            float[] inOnePiece;
            try (ShardSession reference = new ShardRunner(nodes.model().weights(), LayerRange.all(5), nodes.ops()).openSession()) {
                inOnePiece = reference.forward(0, prompt).values();
            }
            float largest = 0;
            float differs = 0;
            for (int i = 0; i < inOnePiece.length; i++) {
                largest = Math.max(largest, Math.abs(inOnePiece[i]));
                differs = Math.max(differs, Math.abs(inChunks[i] - inOnePiece[i]));
            }
            System.out.printf("fairness: %d positions in chunks of %d differ from one piece by at most %.3g (values up to %.3g)%n",
                    LONG_PROMPT, node.settings().positionsPerTurn(), differs, largest);
            assertThat(differs).as("largest difference, chunked against whole").isLessThanOrEqualTo(1e-4f * largest);
        }
    }

    @Test
    void manyWindowsQueuedByOneSessionTakeTurnsWithAnotherSessions() throws Exception {
        HiddenStates window = nodes.window(8);
        List<PeerMessage> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(new Forward(1, 0, 8, FP32.id(), FP32.encode(window, 0))); // each from 0: the cache never fills
        }
        burst.add(new Forward(2, 0, 8, FP32.id(), FP32.encode(window, 0)));
        burst.add(new Forward(2, 8, 8, FP32.id(), FP32.encode(window, 0)));
        try (RawPeer peer = welcomedWithSessions(1, 2)) {
            List<PeerMessage> replies = sendWhileTheComputeThreadIsHeld(peer, burst);

            assertThat(replies).allMatch(r -> r instanceof ForwardResult);
            assertThat(replies).extracting(PeerMessage::sessionId).as("the sessions alternate while both have windows")
                    .containsExactly(1L, 2L, 1L, 2L, 1L, 1L, 1L, 1L, 1L, 1L);
        }
    }

    /**
     * The wait of a decode step queued right behind a long prompt, with the prompt computed in
     * chunks and in one piece (a turn as long as the context): printed, the order asserted. The
     * fastest of fifteen rounds each, since other work on the machine only ever lengthens a round.
     */
    @Test
    void withoutChunksTheDecodeStepWaitsForTheWholePrompt() throws Exception {
        PeerAddress unchunked = nodes.start(new LayerRange(0, 5),
                NodeSettings.defaults().withPositionsPerTurn(nodes.model().config().contextLength()), null);
        long[] chunkedNanos = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] wholeNanos = {Long.MAX_VALUE, Long.MAX_VALUE};
        for (int pass = 0; pass < 3; pass++) { // alternating, so that both have the JIT's work done by the end
            keepFastest(chunkedNanos, waitsBehindALongPrompt(address, node, List.of(2L, 1L)));
            keepFastest(wholeNanos, waitsBehindALongPrompt(unchunked, nodes.server(1).service(), List.of(1L, 2L)));
        }
        System.out.printf("fairness: a 1-position step behind a %d-position prompt was answered after %.1f ms in chunks of %d "
                        + "(the prompt after %.1f ms), and after %.1f ms unchunked (the prompt after %.1f ms)%n",
                LONG_PROMPT, chunkedNanos[1] / 1e6, node.settings().positionsPerTurn(), chunkedNanos[0] / 1e6,
                wholeNanos[1] / 1e6, wholeNanos[0] / 1e6);
    }

    private static void keepFastest(long[] fastest, long[] measured) {
        for (int i = 0; i < fastest.length; i++) {
            fastest[i] = Math.min(fastest[i], measured[i]);
        }
    }

    /** The fastest time from letting the compute thread go to the prompt's reply and to the step's reply, in {@code [0]} and {@code [1]}. */
    private long[] waitsBehindALongPrompt(PeerAddress at, NodeService service, List<Long> expectedOrder) throws Exception {
        HiddenStates prompt = nodes.window(LONG_PROMPT);
        long[] fastest = {Long.MAX_VALUE, Long.MAX_VALUE};
        try (RawPeer peer = welcomedWithSessions(at, 1, 2)) {
            for (int round = 0; round < 5; round++) {
                awaitQueued(service, 0);
                CountDownLatch release = new CountDownLatch(1);
                service.submit(() -> awaitUninterruptibly(release));
                peer.send(new Forward(1, 0, LONG_PROMPT, FP32.id(), FP32.encode(prompt, 0)));
                peer.send(new Forward(2, 0, 1, FP32.id(), FP32.encode(nodes.window(1), 0)));
                awaitQueued(service, 2);
                long released = System.nanoTime();
                release.countDown();
                for (long expected : expectedOrder) {
                    PeerMessage reply = peer.reply();
                    assertThat(reply.sessionId()).isEqualTo(expected);
                    int index = expected == 1 ? 0 : 1;
                    fastest[index] = Math.min(fastest[index], System.nanoTime() - released);
                }
            }
        }
        return fastest;
    }

    private RawPeer welcomedWithSessions(long... ids) throws InterruptedException {
        return welcomedWithSessions(address, ids);
    }

    private RawPeer welcomedWithSessions(PeerAddress at, long... ids) throws InterruptedException {
        RawPeer peer = new RawPeer(at);
        peer.send(new Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()));
        assertThat(peer.reply()).isInstanceOf(PeerMessage.Welcome.class);
        for (long id : ids) {
            peer.send(new OpenSession(id, FP32.id()));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.SessionOpened.class);
        }
        return peer;
    }

    /** Sends {@code requests} while the compute thread is busy, lets it go once all are queued, and returns the replies in order. */
    private List<PeerMessage> sendWhileTheComputeThreadIsHeld(RawPeer peer, List<PeerMessage> requests) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        node.submit(() -> awaitUninterruptibly(release));
        try {
            requests.forEach(peer::send);
            awaitQueued(node, requests.size());
        } finally {
            release.countDown();
        }
        List<PeerMessage> replies = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            replies.add(peer.reply());
        }
        return replies;
    }

    /** Waits until exactly {@code requests} wait: a request just answered leaves the count a moment after its reply. */
    private static void awaitQueued(NodeService service, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (service.queuedRequests() != requests && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(service.queuedRequests()).as("requests queued").isEqualTo(requests);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
