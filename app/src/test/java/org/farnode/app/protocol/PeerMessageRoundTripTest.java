package org.farnode.app.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.stream.Stream;
import org.farnode.app.protocol.PeerMessage.CloseSession;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.ForwardResult;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.protocol.PeerMessage.Ping;
import org.farnode.app.protocol.PeerMessage.Pong;
import org.farnode.app.protocol.PeerMessage.SessionClosed;
import org.farnode.app.protocol.PeerMessage.SessionOpened;
import org.farnode.app.protocol.PeerMessage.Truncate;
import org.farnode.app.protocol.PeerMessage.Truncated;
import org.farnode.app.protocol.PeerMessage.Welcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message through the real encoder and decoder on an {@link EmbeddedChannel}. */
class PeerMessageRoundTripTest {
    private static final ModelId MODEL = new ModelId(bytes(32, 7));

    static Stream<PeerMessage> everyMessage() {
        return Stream.of(
                new Hello(PeerMessage.PROTOCOL_VERSION, MODEL),
                new Welcome(1, "ab".repeat(32), MODEL, 2, 5, "cpu(2 threads, 16-lane vectors) — ünïcode", 123_456_789_012L, 3),
                new OpenSession(-42L, 2),
                new SessionOpened(Long.MAX_VALUE, 1, 2048),
                new Forward(7L, 0, 3, 1, bytes(3 * 4 * 5, 1)),
                new Forward(7L, 10, 1, 2, new byte[0]),
                new ForwardResult(7L, 3, 2, 2, bytes(2 * 2 * 5, 9)),
                new Truncate(8L, 17),
                new Truncated(8L, 17),
                new CloseSession(9L),
                new SessionClosed(9L, 1_000_000_000_000L, 5L, 260, 261L),
                new Ping(0x0123_4567_89AB_CDEFL),
                new Ping(Long.MIN_VALUE),
                new Pong(-1L),
                new Pong(0L),
                new ErrorReply(0L, ErrorCode.WRONG_MODEL, "expected model 0123…, got 4567…"),
                new ErrorReply(11L, ErrorCode.BAD_HIDDEN_STATE, ""),
                new ErrorReply(12L, ErrorCode.NODE_LEAVING, "this node is leaving the network"),
                new ErrorReply(0L, ErrorCode.NODE_LEAVING, "this node is leaving the network; it finished the 1 window it had taken"));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void encodesAndDecodesToAnEqualMessage(PeerMessage message) {
        EmbeddedChannel sender = new EmbeddedChannel(new PeerFrameEncoder());
        EmbeddedChannel receiver = new EmbeddedChannel(new PeerFrameDecoder(1 << 20));

        assertThat(sender.writeOutbound(message)).isTrue();
        ByteBuf wire = sender.readOutbound();
        assertThat(wire.readableBytes()).as("frameSize").isEqualTo(MessageCodec.frameSize(message));
        assertThat(wire.getUnsignedInt(0)).as("length prefix").isEqualTo(wire.readableBytes() - 4L);

        assertThat(receiver.writeInbound(wire)).isTrue();
        PeerMessage decoded = receiver.readInbound();
        assertThat(decoded).isEqualTo(message);
        assertThat((Object) receiver.readInbound()).isNull();
        assertThat(sender.finishAndReleaseAll()).isFalse();
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    @Test
    void reassemblesFramesSplitAcrossReadsAndSeveralInOneRead() {
        ByteBuf wire = Unpooled.buffer();
        everyMessage().forEach(m -> MessageCodec.encode(m, wire));
        EmbeddedChannel receiver = new EmbeddedChannel(new PeerFrameDecoder(1 << 20));
        while (wire.isReadable()) { // three bytes at a time: every frame boundary falls mid-read somewhere
            receiver.writeInbound(wire.readRetainedSlice(Math.min(3, wire.readableBytes())));
        }
        wire.release();
        everyMessage().forEach(expected -> assertThat((Object) receiver.readInbound()).isEqualTo(expected));
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pingAndPongAreTypes11And12WithTheNonceBigEndian() {
        ByteBuf wire = Unpooled.buffer();
        MessageCodec.encode(new Ping(0x0102_0304_0506_0708L), wire);
        MessageCodec.encode(new Pong(0x0102_0304_0506_0708L), wire);
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        assertThat(bytes).containsExactly(
                0, 0, 0, 9, 11, 1, 2, 3, 4, 5, 6, 7, 8,
                0, 0, 0, 9, 12, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void unknownTypeIsRefusedWithItsCode() {
        assertThatThrownBy(() -> decode(frame(99, new byte[4])))
                .satisfies(e -> assertProtocolError(e, ErrorCode.UNKNOWN_MESSAGE_TYPE, "unknown message type 99"));
    }

    @Test
    void bodyShorterThanItsLayoutIsMalformed() {
        assertThatThrownBy(() -> decode(frame(9, new byte[3]))) // CloseSession needs 8 bytes
                .satisfies(e -> assertProtocolError(e, ErrorCode.MALFORMED_FRAME, "ends before its body does"));
    }

    @Test
    void bytesLeftAfterTheBodyAreMalformed() {
        assertThatThrownBy(() -> decode(frame(9, new byte[10])))
                .satisfies(e -> assertProtocolError(e, ErrorCode.MALFORMED_FRAME, "2 bytes left over"));
    }

    @Test
    void payloadLongerThanItsFrameIsMalformed() {
        ByteBuf body = Unpooled.buffer().writeLong(1).writeInt(0).writeInt(1).writeByte(1).writeInt(1000).writeInt(0);
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        assertThatThrownBy(() -> decode(frame(5, bytes)))
                .satisfies(e -> assertProtocolError(e, ErrorCode.MALFORMED_FRAME, "payload of 1000 bytes"));
    }

    @Test
    void oversizedLengthIsRefusedBeforeAnyBodyArrivesAndTheRestIsDiscarded() {
        EmbeddedChannel receiver = new EmbeddedChannel(new PeerFrameDecoder(1024));
        ByteBuf header = Unpooled.buffer().writeInt(1025).writeByte(5);
        assertThatThrownBy(() -> receiver.writeInbound(header))
                .satisfies(e -> assertProtocolError(e, ErrorCode.FRAME_TOO_LARGE, "1025 bytes exceeds this node's limit of 1024"));
        ByteBuf valid = Unpooled.buffer();
        MessageCodec.encode(new CloseSession(1), valid);
        receiver.writeInbound(valid);
        assertThat((Object) receiver.readInbound()).as("nothing after a broken frame is trusted").isNull();
        receiver.finishAndReleaseAll();
    }

    @Test
    void zeroLengthFrameIsMalformed() {
        EmbeddedChannel receiver = new EmbeddedChannel(new PeerFrameDecoder(1024));
        assertThatThrownBy(() -> receiver.writeInbound(Unpooled.buffer().writeInt(0)))
                .satisfies(e -> assertProtocolError(e, ErrorCode.MALFORMED_FRAME, "length 0"));
        receiver.finishAndReleaseAll();
    }

    @Test
    void unknownErrorCodeIsMalformed() {
        ByteBuf body = Unpooled.buffer().writeLong(0).writeShort(999).writeShort(0);
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        assertThatThrownBy(() -> decode(frame(15, bytes)))
                .satisfies(e -> assertProtocolError(e, ErrorCode.MALFORMED_FRAME, "unknown error code 999"));
    }

    private static void decode(ByteBuf frame) {
        EmbeddedChannel receiver = new EmbeddedChannel(new PeerFrameDecoder(1 << 20));
        try {
            receiver.writeInbound(frame);
        } finally {
            receiver.finishAndReleaseAll();
        }
    }

    private static ByteBuf frame(int type, byte[] body) {
        return Unpooled.buffer().writeInt(1 + body.length).writeByte(type).writeBytes(body);
    }

    private static void assertProtocolError(Throwable thrown, ErrorCode code, String messagePart) {
        Throwable cause = thrown instanceof DecoderException ? thrown.getCause() : thrown;
        assertThat(cause).isInstanceOf(ProtocolException.class).hasMessageContaining(messagePart);
        assertThat(((ProtocolException) cause).code()).isEqualTo(code);
    }

    private static byte[] bytes(int count, int seed) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }
}
