package org.farnode.app.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Anything can arrive on an open port: bytes of any kind, and valid frames with bytes changed or
 * cut off. The frame decoder must turn each into messages or a {@link ProtocolException} (which
 * the node answers with an error and a hang-up), never another exception. Inputs come from a
 * seeded generator, so a failure names the seed and the input that reproduce it.
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 64 * 1024;
    private static final int INPUTS = 3000;

    @Test
    void arbitraryBytesDecodeOrFailWithAProtocolError() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < INPUTS; i++) {
            byte[] bytes = new byte[random.nextInt(2049)];
            random.nextBytes(bytes);
            feed(bytes, "arbitrary input " + i);
        }
    }

    @Test
    void validFramesWithBytesChangedDecodeOrFailWithAProtocolError() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < INPUTS; i++) {
            byte[] changed = validStream(random);
            int changes = 1 + random.nextInt(8);
            for (int c = 0; c < changes; c++) {
                changed[random.nextInt(changed.length)] ^= (byte) (1 + random.nextInt(255));
            }
            feed(changed, "changed stream " + i);
        }
    }

    @Test
    void validFramesCutShortAreWaitedForOrRefused() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < INPUTS; i++) {
            byte[] stream = validStream(random);
            feed(Arrays.copyOf(stream, random.nextInt(stream.length)), "cut stream " + i);
        }
    }

    /** One to four valid frames of the protocol's message types, back to back. */
    private static byte[] validStream(SplittableRandom random) {
        ByteBuf out = Unpooled.buffer();
        int frames = 1 + random.nextInt(4);
        for (int f = 0; f < frames; f++) {
            MessageCodec.encode(sample(random.nextInt(10)), out);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
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
    private static void feed(byte[] bytes, String what) {
        EmbeddedChannel channel = new EmbeddedChannel(new PeerFrameDecoder(MAX_FRAME));
        List<Object> decoded = new ArrayList<>();
        try {
            int split = bytes.length / 2;
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
        } catch (DecoderException e) {
            assertThat(e.getCause()).as("what %s (%s) raised", what, Arrays.toString(bytes)).isInstanceOf(ProtocolException.class);
        } catch (RuntimeException e) {
            throw new AssertionError(what + " (" + Arrays.toString(bytes) + ") raised " + e, e);
        } finally {
            for (Object message; (message = channel.readInbound()) != null; ) {
                decoded.add(message);
            }
            channel.finishAndReleaseAll();
        }
        assertThat(decoded).as(what).allSatisfy(message -> assertThat(message).isInstanceOf(PeerMessage.class));
    }
}
