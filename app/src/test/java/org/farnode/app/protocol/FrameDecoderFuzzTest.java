package org.farnode.app.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Anything can arrive on an open port: bytes of any kind, and valid frames with bytes changed or
 * cut off. The frame decoder must turn each into messages or a {@link ProtocolException} (which
 * the node answers with an error and a hang-up), never another exception, and never read past
 * the frame limit.
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 64 * 1024;

    @Property(tries = 3000)
    void arbitraryBytesDecodeOrFailWithAProtocolError(@ForAll @Size(max = 2048) byte[] bytes) {
        feed(bytes);
    }

    @Property(tries = 3000)
    void validFramesWithBytesChangedDecodeOrFailWithAProtocolError(@ForAll("validStreams") byte[] stream,
                                                                   @ForAll @IntRange(min = 0, max = 1 << 20) int where,
                                                                   @ForAll byte value, @ForAll @IntRange(min = 0, max = 8) int changes) {
        byte[] changed = stream.clone();
        for (int i = 0; i < changes; i++) {
            changed[(where + i * 7919) % changed.length] ^= (byte) (value + i | 1);
        }
        feed(changed);
    }

    @Property(tries = 2000)
    void validFramesCutShortAreWaitedForOrRefused(@ForAll("validStreams") byte[] stream, @ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        byte[] prefix = java.util.Arrays.copyOf(stream, cut % stream.length);
        feed(prefix);
    }

    @Provide
    Arbitrary<byte[]> validStreams() {
        return Arbitraries.integers().between(0, 9).list().ofMinSize(1).ofMaxSize(4)
                .map(kinds -> {
                    ByteBuf out = Unpooled.buffer();
                    for (int kind : kinds) {
                        MessageCodec.encode(sample(kind), out);
                    }
                    byte[] bytes = new byte[out.readableBytes()];
                    out.readBytes(bytes);
                    out.release();
                    return bytes;
                });
    }

    private static PeerMessage sample(int kind) {
        ModelId model = new ModelId(new byte[ModelId.BYTES]);
        byte[] payload = new byte[48];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        return switch (kind) {
            case 0 -> new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, model);
            case 1 -> new PeerMessage.OpenSession(7, 1, new byte[32]);
            case 2 -> new PeerMessage.Forward(7, 3, 2, 1, payload);
            case 3 -> new PeerMessage.ForwardResult(7, 3, 2, 1, payload);
            case 4 -> new PeerMessage.Truncate(7, 5);
            case 5 -> new PeerMessage.CloseSession(7);
            case 6 -> new PeerMessage.SessionClosed(7, 100, 200, 3, 9);
            case 7 -> new PeerMessage.ErrorReply(7, ErrorCode.NODE_PAUSED, "paused by its operator");
            case 8 -> new PeerMessage.Ping(42);
            default -> new PeerMessage.Truncated(7, 5);
        };
    }

    /** Feeds {@code bytes} in two pieces, as TCP may split them; only messages or a protocol error may come out. */
    private static void feed(byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new PeerFrameDecoder(MAX_FRAME));
        List<Object> decoded = new ArrayList<>();
        try {
            int split = bytes.length / 2;
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
        } catch (DecoderException e) {
            assertThat(e.getCause()).as("what a bad stream may raise").isInstanceOf(ProtocolException.class);
        } finally {
            for (Object message; (message = channel.readInbound()) != null; ) {
                decoded.add(message);
            }
            channel.finishAndReleaseAll();
        }
        for (Object message : decoded) {
            assertThat(message).isInstanceOf(PeerMessage.class);
            // What decoded must encode again to a frame no longer than the limit.
            assertThat(MessageCodec.frameSize((PeerMessage) message)).isLessThanOrEqualTo(MessageCodec.LENGTH_BYTES + MAX_FRAME);
        }
    }
}
