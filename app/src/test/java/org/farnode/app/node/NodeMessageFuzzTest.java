package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.farnode.app.codec.CodecCalibration;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.codec.RandomCodebooks;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.CloseSession;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.ForwardResult;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.protocol.PeerMessage.SessionClosed;
import org.farnode.app.protocol.PeerMessage.SessionOpened;
import org.farnode.app.protocol.PeerMessage.Truncate;
import org.farnode.app.protocol.PeerMessage.Truncated;
import org.farnode.app.protocol.PeerMessage.Welcome;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.testing.FuzzRun;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway may send a node any sequence of messages: Hello with another version or model or
 * twice, requests before Hello, sessions in odd codecs (SCM ones with the right calibration, a
 * wrong one or none), windows with garbage payloads, impossible positions or the wrong codec,
 * truncations and closes of sessions it never opened, messages only nodes send. Each input is one
 * connection to a real {@link NodeService} serving layers [1, 4) of stories260K, fed a sequence
 * that is mostly plausible (it tracks what it believes the node holds) with such mistakes mixed in.
 *
 * <p>Each message must get exactly one reply, its own kind or an {@link ErrorReply} for the same
 * session and never {@code INTERNAL} (an exception the node did not expect); after an error that
 * hangs up, nothing more. After each connection's sessions are closed, and again after it is gone,
 * the KV budget is whole again. At the end a well-formed session still gives exactly the shard's
 * own output.
 */
class NodeMessageFuzzTest {
    private static final LayerRange LAYERS = new LayerRange(1, 4);
    private static final long[] SESSION_IDS = {1, 2, 3, 0, -1, Long.MIN_VALUE};
    /** Room for 3,000 cached positions: two sessions can fill it, so OUT_OF_CAPACITY comes up. */
    private static final int BUDGET_POSITIONS = 3000;
    private static LocalNodes nodes;
    private static NodeService node;
    private static CodecCalibration calibration;
    private static int width;
    private static int context;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = LocalNodes.stories260K();
        width = nodes.model().config().embeddingLength();
        context = nodes.model().config().contextLength();
        byte[] hash = new byte[32];
        hash[3] = 77;
        calibration = new CodecCalibration(new ScmCodebook(nodes.modelId(), width, 0.99, List.of(
                RandomCodebooks.boundary(LAYERS.start(), width, 24, 3, 1),
                RandomCodebooks.boundary(LAYERS.end(), width, 40, 0, 2))), hash);
        ShardRunner runner = new ShardRunner(nodes.model().weights(), LAYERS, nodes.ops());
        long perPosition = 2L * Float.BYTES * nodes.model().config().kvDimension() * LAYERS.size();
        node = new NodeService(runner, nodes.modelId(), "fuzzed-node", nodes.ops().name(),
                NodeSettings.defaults().withKvBudgetBytes(perPosition * BUDGET_POSITIONS).withCalibration(calibration));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void everyMessageGetsItsReplyOrAnErrorAndTheBudgetComesBackWhole() throws Exception {
        FuzzRun.run("node messages", random -> new FuzzedGateway(random).run());
        assertThat(node.connections()).isEmpty();
        assertThat(node.freeKvBytes()).isEqualTo(node.kvBudget().limitBytes());
        aWellFormedSessionGivesTheShardsOwnOutput();
    }

    private static void aWellFormedSessionGivesTheShardsOwnOutput() throws Exception {
        HiddenStates window = nodes.window(7);
        Fp32Codec fp32 = new Fp32Codec();
        Replies link = new Replies();
        NodeConnection connection = node.connect(link, "well-formed gateway");
        assertThat(call(connection, link, new Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()))).isInstanceOf(Welcome.class);
        assertThat(call(connection, link, new OpenSession(9, fp32.id()))).isInstanceOf(SessionOpened.class);
        ForwardResult result = (ForwardResult) call(connection, link, new Forward(9, 0, 7, fp32.id(), fp32.encode(window, LAYERS.start())));
        try (ShardSession reference = new ShardRunner(nodes.model().weights(), LAYERS, nodes.ops()).openSession()) {
            assertThat(fp32.decode(result.payload(), 7, width, LAYERS.end()).values())
                    .containsExactly(reference.forward(0, window).values());
        }
        assertThat(call(connection, link, new CloseSession(9))).isInstanceOf(SessionClosed.class);
        disconnect(connection);
        assertThat(node.freeKvBytes()).isEqualTo(node.kvBudget().limitBytes());
    }

    /** Runs {@code message} on the compute thread as the network thread would hand it over; returns its one reply (or null). */
    private static PeerMessage call(NodeConnection connection, Replies link, PeerMessage message) throws Exception {
        onComputeThread(() -> {
            // As the scheduler would: a window longer than one turn goes on, turn after turn, until it is answered.
            WindowInProgress rest = connection.receive(message, false);
            while (rest != null && !connection.continueWindow(rest)) {
                // the next chunk
            }
        });
        List<PeerMessage> replies = new ArrayList<>();
        link.replies.drainTo(replies);
        assertThat(replies).as("replies to %s", message).hasSizeLessThanOrEqualTo(1);
        return replies.isEmpty() ? null : replies.getFirst();
    }

    private static void disconnect(NodeConnection connection) throws Exception {
        node.disconnect(connection);
        onComputeThread(() -> { }); // after the disconnection, which was queued first
    }

    private static void onComputeThread(Runnable work) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        node.submit(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        done.get(FuzzRun.INPUT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /** The node's end of the connection: what it sends, and whether it hung up. */
    private static final class Replies implements PeerLink {
        final LinkedBlockingQueue<PeerMessage> replies = new LinkedBlockingQueue<>();
        volatile boolean hungUp;

        @Override
        public void send(PeerMessage message) {
            if (hungUp) {
                throw new AssertionError("the node sent " + message + " after hanging up");
            }
            replies.add(message);
        }

        @Override
        public void sendAndClose(PeerMessage message) {
            send(message);
            hungUp = true;
        }
    }

    /** One connection's messages, and what it believes the node holds for it. */
    private static final class FuzzedGateway {
        private final SplittableRandom random;
        private final Replies link = new Replies();
        /** Per session this gateway believes open, its codec and cached positions. */
        private final Map<Long, Believed> sessions = new HashMap<>();
        private boolean welcomed;

        private record Believed(HiddenStateCodec codec, int cached) {
        }

        FuzzedGateway(SplittableRandom random) {
            this.random = random;
        }

        void run() throws Exception {
            NodeConnection connection = node.connect(link, "fuzzing gateway");
            int messages = 1 + random.nextInt(30);
            for (int m = 0; m < messages && !link.hungUp; m++) {
                PeerMessage message = next();
                check(message, call(connection, link, message));
            }
            if (!link.hungUp && random.nextInt(3) > 0) {
                for (long id : List.copyOf(sessions.keySet())) {
                    check(new CloseSession(id), call(connection, link, new CloseSession(id)));
                }
                assertThat(node.freeKvBytes()).as("free KV bytes once every session is closed").isEqualTo(node.kvBudget().limitBytes());
            }
            disconnect(connection);
            assertThat(node.freeKvBytes()).as("free KV bytes once the connection is gone").isEqualTo(node.kvBudget().limitBytes());
        }

        private PeerMessage next() {
            int pick = random.nextInt(100);
            if (!welcomed && pick < 70 || pick < 3) {
                return hello();
            }
            if (pick < 20) {
                return openSession();
            }
            if (pick < 75) {
                return forward();
            }
            if (pick < 85) {
                return new Truncate(sessionId(), random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(-2, cached() + 3));
            }
            if (pick < 97) {
                return new CloseSession(sessionId());
            }
            return switch (random.nextInt(4)) { // messages only nodes send
                case 0 -> new Welcome(PeerMessage.PROTOCOL_VERSION, "me", nodes.modelId(), 0, 1, "cpu", 0, 0);
                case 1 -> new SessionOpened(sessionId(), 1, 8);
                case 2 -> new PeerMessage.Pong(7);
                default -> new ErrorReply(sessionId(), ErrorCode.INTERNAL, "a gateway pretending");
            };
        }

        private Hello hello() {
            return switch (random.nextInt(10)) {
                case 0 -> new Hello(random.nextInt(1 << 16), nodes.modelId());
                case 1 -> new Hello(PeerMessage.PROTOCOL_VERSION, new ModelId(bytes(32)));
                default -> new Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId());
            };
        }

        private OpenSession openSession() {
            int codec = random.nextInt(4) == 0 ? random.nextInt(256) : 1 + random.nextInt(9);
            byte[] hash = switch (random.nextInt(4)) {
                case 0 -> new byte[32];
                case 1 -> bytes(32);
                default -> HiddenStateCodecs.needsCalibration(codec) ? calibration.hash() : new byte[32];
            };
            return new OpenSession(sessionId(), codec, hash);
        }

        private Forward forward() {
            long id = sessionId();
            Believed session = sessions.get(id);
            HiddenStateCodec codec = session != null ? session.codec : HiddenStateCodecs.available(Optional.of(calibration))
                    .get(random.nextInt(9));
            int cached = session != null ? session.cached : 0;
            int start = switch (random.nextInt(10)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextInt(0, cached + 1); // a rewind
                case 2 -> cached + 1 + random.nextInt(3);
                default -> cached;
            };
            // Mostly short windows, as in decoding; now and then a prompt's, or one that just fits or just
            // overflows the context (rare: a window of 2,048 positions takes a second or more to compute).
            int positions = switch (random.nextInt(200)) {
                case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 -> random.nextInt(-2, 1);
                case 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 -> random.nextInt();
                case 20, 21, 22, 23, 24, 25, 26, 27, 28, 29 -> 1 + random.nextInt(128);
                case 30 -> context - Math.max(0, start) + random.nextInt(-1, 2);
                default -> 1 + random.nextInt(8);
            };
            int codecId = random.nextInt(12) == 0 ? random.nextInt(256) : codec.id();
            return new Forward(id, start, positions, codecId, payload(codec, positions));
        }

        /** A valid encoding (now and then with a NaN, or bytes changed), or bytes of any kind. */
        private byte[] payload(HiddenStateCodec codec, int positions) {
            int kind = random.nextInt(10);
            if (positions < 1 || positions > context || kind == 0) {
                return bytes(random.nextInt(2 * width * 4 + 8));
            }
            float[] values = new float[positions * width];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            if (kind == 1) {
                values[random.nextInt(values.length)] = random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
            }
            byte[] payload;
            try {
                payload = codec.encode(new HiddenStates(positions, width, values), LAYERS.start());
            } catch (IllegalArgumentException e) {
                return bytes(16); // a value the codec cannot code (NaN in the quantized ones)
            }
            if (kind == 2) {
                payload[random.nextInt(payload.length)] ^= (byte) (1 + random.nextInt(255));
            }
            return payload;
        }

        private void check(PeerMessage sent, PeerMessage reply) {
            assertThat(reply).as("the reply to %s", sent).isNotNull();
            assertThat(reply.sessionId()).as("the session of the reply to %s", sent).isEqualTo(sent.sessionId());
            if (reply instanceof ErrorReply error) {
                assertThat(error.code()).as("%s answered %s", sent, error).isNotEqualTo(ErrorCode.INTERNAL);
                assertThat(link.hungUp).as("hung up after %s", error).isEqualTo(error.code().closesConnection());
                if (!welcomed && !(sent instanceof Hello)) {
                    assertThat(error.code()).isIn(ErrorCode.HANDSHAKE_REQUIRED, ErrorCode.UNKNOWN_MESSAGE_TYPE);
                }
                if (error.code() == ErrorCode.OUT_OF_CAPACITY && sent instanceof Forward f) {
                    sessions.computeIfPresent(f.sessionId(), (id, s) -> new Believed(s.codec, Math.min(s.cached, f.startPosition())));
                }
                return;
            }
            switch (sent) {
                case Hello hello -> {
                    assertThat(reply).isInstanceOf(Welcome.class);
                    assertThat(welcomed).as("welcomed twice").isFalse();
                    welcomed = true;
                }
                case OpenSession open -> {
                    assertThat(reply).isInstanceOf(SessionOpened.class);
                    sessions.put(open.sessionId(), new Believed(HiddenStateCodecs.byId(open.codecId(), Optional.of(calibration))
                            .orElseThrow(), 0));
                }
                case Forward forward -> {
                    ForwardResult result = (ForwardResult) reply;
                    assertThat(result.startPosition()).isEqualTo(forward.startPosition());
                    assertThat(result.positions()).isEqualTo(forward.positions());
                    HiddenStateCodec codec = sessions.get(forward.sessionId()).codec;
                    for (float value : codec.decode(result.payload(), forward.positions(), width, LAYERS.end()).values()) {
                        assertThat(Float.isFinite(value)).as("a value the node sent back").isTrue();
                    }
                    sessions.put(forward.sessionId(), new Believed(codec, forward.startPosition() + forward.positions()));
                }
                case Truncate truncate -> {
                    assertThat(reply).isEqualTo(new Truncated(truncate.sessionId(), truncate.length()));
                    sessions.computeIfPresent(truncate.sessionId(), (id, s) -> new Believed(s.codec, truncate.length()));
                }
                case CloseSession close -> {
                    assertThat(reply).isInstanceOf(SessionClosed.class);
                    sessions.remove(close.sessionId());
                }
                default -> throw new AssertionError(sent + " was answered with " + reply);
            }
        }

        private long sessionId() {
            return SESSION_IDS[random.nextInt(SESSION_IDS.length)];
        }

        private int cached() {
            return sessions.values().stream().mapToInt(Believed::cached).max().orElse(0);
        }

        private byte[] bytes(int count) {
            byte[] bytes = new byte[count];
            random.nextBytes(bytes);
            return bytes;
        }
    }
}
