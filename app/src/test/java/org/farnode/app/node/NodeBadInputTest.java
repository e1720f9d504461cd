package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerException;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to a real node over TLS: each gets an error reply with its code and a message, the
 * connection is closed where the stream cannot be trusted, and a well-behaved session on the same
 * node keeps working throughout.
 */
class NodeBadInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Fp32Codec FP32 = new Fp32Codec();
    private LocalNodes nodes;
    private PeerAddress node;
    private PeerRoute healthy;
    private int healthyPosition;

    @BeforeEach
    void startNodeAndAHealthySession() throws Exception {
        nodes = LocalNodes.stories260K();
        node = nodes.start(new LayerRange(0, 5), NodeSettings.defaults().withMaxFrameBytes(64 * 1024), null);
        healthy = PeerRoute.open(List.of(node), nodes.modelId(), 5, FP32, TIMEOUT);
        assertHealthySessionStillServed();
    }

    @AfterEach
    void stop() throws Exception {
        if (healthy == null) { // the shared model was missing: the test was skipped before it started
            if (nodes != null) {
                nodes.close();
            }
            return;
        }
        assertHealthySessionStillServed();
        healthy.close();
        nodes.close();
    }

    private void assertHealthySessionStillServed() {
        RemoteShardStage stage = healthy.stages().getFirst();
        HiddenStates out = stage.forward(healthyPosition, embed(1));
        healthyPosition++;
        for (float value : out.values()) {
            assertThat(Float.isFinite(value)).isTrue();
        }
    }

    private HiddenStates embed(int... tokens) {
        return new GatewayModel(nodes.model().weights(), nodes.ops()).embed(tokens);
    }

    private RawPeer welcomed() throws InterruptedException {
        RawPeer peer = new RawPeer(node);
        peer.send(new Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()));
        assertThat(peer.reply()).isInstanceOf(PeerMessage.Welcome.class);
        return peer;
    }

    private void expectErrorAndClose(Consumer<RawPeer> badInput, ErrorCode code, String messagePart, boolean welcomeFirst)
            throws InterruptedException {
        try (RawPeer peer = welcomeFirst ? welcomed() : new RawPeer(node)) {
            badInput.accept(peer);
            PeerMessage reply = peer.reply();
            assertThat(reply).isInstanceOf(ErrorReply.class);
            assertThat(((ErrorReply) reply).code()).isEqualTo(code);
            assertThat(((ErrorReply) reply).message()).contains(messagePart);
            assertThat(peer.closedByNode()).as("the node closes the connection after " + code).isTrue();
        }
    }

    @Test
    void malformedFrame() throws InterruptedException {
        expectErrorAndClose(p -> p.sendRaw(Unpooled.buffer().writeInt(4).writeByte(9).writeBytes(new byte[3])),
                ErrorCode.MALFORMED_FRAME, "ends before its body does", true);
    }

    @Test
    void oversizedLength() throws InterruptedException {
        expectErrorAndClose(p -> p.sendRaw(Unpooled.buffer().writeInt(10_000_000).writeByte(5)),
                ErrorCode.FRAME_TOO_LARGE, "exceeds this node's limit of 65536 bytes", true);
    }

    @Test
    void unknownMessageType() throws InterruptedException {
        expectErrorAndClose(p -> p.sendRaw(Unpooled.buffer().writeInt(3).writeByte(77).writeShort(0)),
                ErrorCode.UNKNOWN_MESSAGE_TYPE, "unknown message type 77", true);
    }

    @Test
    void wrongProtocolVersion() throws InterruptedException {
        expectErrorAndClose(p -> p.send(new Hello(99, nodes.modelId())), ErrorCode.WRONG_PROTOCOL_VERSION,
                "the gateway sent version 99", false);
    }

    @Test
    void wrongModelId() throws InterruptedException {
        ModelId other = new ModelId(new byte[32]);
        expectErrorAndClose(p -> p.send(new Hello(PeerMessage.PROTOCOL_VERSION, other)), ErrorCode.WRONG_MODEL,
                "asked for model " + other.hex(), false);
    }

    @Test
    void requestBeforeTheHandshake() throws InterruptedException {
        expectErrorAndClose(p -> p.send(new OpenSession(5, FP32.id())), ErrorCode.HANDSHAKE_REQUIRED, "must be Hello", false);
    }

    @Test
    void windowBeyondTheContextIsRefusedAndTheConnectionStays() throws InterruptedException {
        try (RawPeer peer = welcomed()) {
            peer.send(new OpenSession(5, FP32.id()));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.SessionOpened.class);
            int context = nodes.model().config().contextLength();
            peer.send(new Forward(5, context, 1, FP32.id(), FP32.encode(embed(1), 0)));
            ErrorReply beyond = (ErrorReply) peer.reply();
            assertThat(beyond.code()).isEqualTo(ErrorCode.WINDOW_OUT_OF_RANGE);
            assertThat(beyond.message()).contains("must start at 0").contains("context length " + context);
            assertThat(beyond.sessionId()).isEqualTo(5);
            peer.send(new Forward(5, 0, 1, FP32.id(), FP32.encode(embed(1), 0)));
            assertThat(peer.reply()).as("the same session still works").isInstanceOf(PeerMessage.ForwardResult.class);
        }
    }

    @Test
    void nanInAHiddenStateIsRefusedAndTheConnectionStays() throws InterruptedException {
        try (RawPeer peer = welcomed()) {
            peer.send(new OpenSession(6, FP32.id()));
            peer.reply();
            HiddenStates states = embed(1, 2);
            float[] values = states.values();
            values[64 + 3] = Float.NaN;
            peer.send(new Forward(6, 0, 2, FP32.id(), FP32.encode(new HiddenStates(2, 64, values), 0)));
            ErrorReply error = (ErrorReply) peer.reply();
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_HIDDEN_STATE);
            assertThat(error.message()).contains("NaN at position 1, index 3");
            assertThat(peer.isOpen()).isTrue();
        }
    }

    @Test
    void payloadOfTheWrongSizeIsABadHiddenState() throws InterruptedException {
        try (RawPeer peer = welcomed()) {
            peer.send(new OpenSession(7, FP32.id()));
            peer.reply();
            peer.send(new Forward(7, 0, 1, FP32.id(), new byte[12]));
            ErrorReply error = (ErrorReply) peer.reply();
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_HIDDEN_STATE);
            assertThat(error.message()).contains("take 260 bytes, got 12");
        }
    }

    @Test
    void unknownCodecAndUnknownSession() throws InterruptedException {
        try (RawPeer peer = welcomed()) {
            peer.send(new OpenSession(8, 200));
            ErrorReply codec = (ErrorReply) peer.reply();
            assertThat(codec.code()).isEqualTo(ErrorCode.UNKNOWN_CODEC);
            assertThat(codec.message()).contains("codec 200 is unknown").contains("1 (fp32)").contains("2 (fp16)");
            peer.send(new PeerMessage.CloseSession(9));
            assertThat(((ErrorReply) peer.reply()).code()).isEqualTo(ErrorCode.UNKNOWN_SESSION);
        }
    }

    @Test
    void anScmSessionNeedsTheNodeToHoldTheSameCodebook() throws InterruptedException {
        byte[] gatewayHash = new byte[32];
        gatewayHash[0] = 0x12;
        try (RawPeer peer = welcomed()) {
            peer.send(new OpenSession(10, org.farnode.app.codec.ScmCodec.INT8_ID, gatewayHash));
            ErrorReply none = (ErrorReply) peer.reply();
            assertThat(none.code()).isEqualTo(ErrorCode.CODEC_CALIBRATION_MISMATCH);
            assertThat(none.message()).contains("120000000000").contains("holds none").contains("--scm FILE");
        }
        float[] mean = new float[64];
        var codebook = new org.farnode.app.codec.scm.ScmCodebook(nodes.modelId(), 64, 0.99,
                List.of(new org.farnode.app.codec.scm.ScmBoundary(0, 64, mean, new int[0], 0, new float[0], 0)));
        byte[] nodeHash = new byte[32];
        nodeHash[0] = 0x34;
        PeerAddress calibrated = nodes.start(new LayerRange(0, 5),
                NodeSettings.defaults().withCalibration(new org.farnode.app.codec.CodecCalibration(codebook, nodeHash)), null);
        try (RawPeer peer = new RawPeer(calibrated)) {
            peer.send(new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()));
            peer.reply();
            peer.send(new OpenSession(11, org.farnode.app.codec.ScmCodec.INT4_ID, gatewayHash));
            ErrorReply other = (ErrorReply) peer.reply();
            assertThat(other.code()).isEqualTo(ErrorCode.CODEC_CALIBRATION_MISMATCH);
            assertThat(other.message()).contains("120000000000").contains("340000000000").contains("same .scm file");
            peer.send(new OpenSession(12, org.farnode.app.codec.ScmCodec.INT4_ID, nodeHash));
            assertThat(peer.reply()).isInstanceOf(PeerMessage.SessionOpened.class);
        }
    }

    @Test
    void anIdleSessionExpiresWithAClearError() throws Exception {
        PeerAddress quick = nodes.start(new LayerRange(0, 5), NodeSettings.defaults().withIdleTimeout(Duration.ofMillis(200)), null);
        try (PeerRoute route = PeerRoute.open(List.of(quick), nodes.modelId(), 5, FP32, TIMEOUT)) {
            RemoteShardStage stage = route.stages().getFirst();
            stage.forward(0, embed(1));
            Thread.sleep(1000);
            assertThatThrownBy(() -> stage.forward(1, embed(2)))
                    .isInstanceOf(PeerException.class)
                    .hasMessageContaining("expired after 0 s without use").hasMessageContaining("open a new session")
                    .extracting(e -> ((PeerException) e).code()).isEqualTo(ErrorCode.SESSION_EXPIRED);
        }
    }

    @Test
    void theKvBudgetBoundsEverySessionTogether() throws Exception {
        long perPosition = 2L * 4 * nodes.model().config().kvDimension() * 5;
        PeerAddress small = nodes.start(new LayerRange(0, 5), NodeSettings.defaults().withKvBudgetBytes(perPosition * 10), null);
        try (PeerRoute first = PeerRoute.open(List.of(small), nodes.modelId(), 5, FP32, TIMEOUT);
             PeerRoute second = PeerRoute.open(List.of(small), nodes.modelId(), 5, FP32, TIMEOUT)) {
            first.stages().getFirst().forward(0, embed(1, 2, 3, 4, 5, 6, 7, 8));
            assertThatThrownBy(() -> second.stages().getFirst().forward(0, embed(1, 2, 3)))
                    .isInstanceOf(PeerException.class).hasMessageContaining("KV cache budget of " + perPosition * 10 + " bytes")
                    .extracting(e -> ((PeerException) e).code()).isEqualTo(ErrorCode.OUT_OF_CAPACITY);
            first.closeSessions(); // frees its 8 positions
            second.stages().getFirst().forward(0, embed(1, 2, 3));
        }
    }
}
