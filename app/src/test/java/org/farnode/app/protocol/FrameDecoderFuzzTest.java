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
import org.farnode.app.testing.FuzzRun;
import org.farnode.app.testing.ThreadAllocations;
import org.junit.jupiter.api.Test;

/**
 * Anything can arrive on an open port: bytes of any kind, and valid frames with bytes changed or
 * cut off. The frame decoder must turn each into messages or a {@link ProtocolException} (which
 * the node answers with an error and a hang-up), never another exception, and must not allocate
 * for a frame before its bytes are there: with a 16 MiB limit, a length field that promises up to
 * 16 MiB would show as an allocation far above what the few KiB of input cost. Each target runs
 * for {@link FuzzRun}'s budget; a failure names the seed and input that reproduce it.
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 16 << 20;
    /**
     * What decoding a few KiB may allocate: the channel and its pipeline (about 10 KiB), the
     * cumulated input and the messages decoded from it, with room to spare; a buffer sized by a
     * length field (up to 16 MiB) would not fit.
     */
    private static final long ALLOCATION_ALLOWANCE = 512 << 10;

    @Test
    void arbitraryBytesDecodeOrFailWithAProtocolError() {
        FuzzRun.run("frame decoder, arbitrary bytes", random -> {
            byte[] bytes = new byte[random.nextInt(2049)];
            random.nextBytes(bytes);
            feed(bytes, random);
        });
    }

    @Test
    void validFramesWithBytesChangedDecodeOrFailWithAProtocolError() {
        FuzzRun.run("frame decoder, changed frames", random -> {
            byte[] changed = validStream(random);
            int changes = 1 + random.nextInt(8);
            for (int c = 0; c < changes; c++) {
                changed[random.nextInt(changed.length)] ^= (byte) (1 + random.nextInt(255));
            }
            feed(changed, random);
        });
    }

    @Test
    void validFramesCutShortAreWaitedForOrRefused() {
        FuzzRun.run("frame decoder, cut frames", random -> {
            byte[] stream = validStream(random);
            feed(Arrays.copyOf(stream, random.nextInt(stream.length)), random);
        });
    }

    /** One to four valid frames of the protocol's message types, back to back. */
    private static byte[] validStream(SplittableRandom random) {
        ByteBuf out = Unpooled.buffer();
        int frames = 1 + random.nextInt(4);
        for (int f = 0; f < frames; f++) {
            MessageCodec.encode(sample(random), out);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    private static PeerMessage sample(SplittableRandom random) {
        byte[] model = new byte[ModelId.BYTES];
        random.nextBytes(model);
        byte[] payload = new byte[random.nextInt(200)];
        random.nextBytes(payload);
        long session = random.nextLong();
        int codec = random.nextInt(256);
        return switch (random.nextInt(13)) {
            case 0 -> new PeerMessage.Hello(random.nextInt(1 << 16), new ModelId(model));
            case 1 -> new PeerMessage.OpenSession(session, codec, model);
            case 2 -> new PeerMessage.Forward(session, random.nextInt(), random.nextInt(), codec, payload);
            case 3 -> new PeerMessage.ForwardResult(session, random.nextInt(), random.nextInt(), codec, payload);
            case 4 -> new PeerMessage.Truncate(session, random.nextInt());
            case 5 -> new PeerMessage.CloseSession(session);
            case 6 -> new PeerMessage.SessionClosed(session, random.nextLong(), random.nextLong(), random.nextInt(), random.nextLong());
            case 7 -> new PeerMessage.ErrorReply(session, ErrorCode.values()[random.nextInt(ErrorCode.values().length)], "é" + codec);
            case 8 -> new PeerMessage.Ping(random.nextLong());
            case 9 -> new PeerMessage.Pong(random.nextLong());
            case 10 -> new PeerMessage.SessionOpened(session, codec, random.nextInt());
            case 11 -> new PeerMessage.Welcome(random.nextInt(1 << 16), "node-" + codec, new ModelId(model), random.nextInt(),
                    random.nextInt(), "cpu", random.nextLong(), random.nextInt());
            default -> new PeerMessage.Truncated(session, random.nextInt());
        };
    }

    /**
     * Feeds {@code bytes} in one to three pieces, as TCP may split them; only messages or a
     * protocol error may come out, within the allocation allowance. An input over the allowance
     * is measured again: the first inputs also pay for loading classes, once.
     */
    private static void feed(byte[] bytes, SplittableRandom random) {
        int[] cuts = random.ints(random.nextInt(3), 0, bytes.length + 1).sorted().toArray();
        List<Object> decoded = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        Runnable decode = () -> {
            decoded.clear();
            failure[0] = null;
            EmbeddedChannel channel = new EmbeddedChannel(new PeerFrameDecoder(MAX_FRAME));
            try {
                int from = 0;
                for (int cut : cuts) {
                    channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
                    from = cut;
                }
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
            } catch (RuntimeException e) {
                failure[0] = e;
            } finally {
                for (Object message; (message = channel.readInbound()) != null; ) {
                    decoded.add(message);
                }
                channel.finishAndReleaseAll();
            }
        };
        long allocated = ThreadAllocations.of(decode);
        if (allocated >= ALLOCATION_ALLOWANCE) {
            allocated = ThreadAllocations.of(decode);
        }
        if (failure[0] != null) {
            assertThat(failure[0]).as("what %s raised", Arrays.toString(bytes)).isInstanceOf(DecoderException.class)
                    .cause().isInstanceOf(ProtocolException.class);
        }
        assertThat(decoded).allSatisfy(message -> assertThat(message).isInstanceOf(PeerMessage.class));
        assertThat(allocated).as("bytes allocated decoding %d bytes", bytes.length).isLessThan(ALLOCATION_ALLOWANCE);
    }
}
