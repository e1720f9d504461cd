package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.MessageCodec;
import org.farnode.app.protocol.PeerFrameDecoder;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.CloseSession;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.protocol.PeerMessage.Ping;
import org.farnode.app.protocol.PeerMessage.Pong;
import org.farnode.app.protocol.PeerMessage.Truncate;
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
 * The whole way in: a real node server over TLS, fed a gateway's byte stream (a handshake, a
 * session, windows, truncations, pings, a close) with bytes changed, cut out or inserted, split
 * across writes as TCP may split it, and ended by a ping. Whatever the stream did, the node must
 * answer that last ping or hang up (a broken frame) within the input deadline, never answer
 * {@code INTERNAL}, and hold no session of it once it is gone; at the end a gateway's session
 * still gives exactly the shard's own output.
 */
class NodeStreamFuzzTest {
    private static final LayerRange LAYERS = new LayerRange(0, 5);
    private static final long PING_NONCE = 0x5EED;
    private static final int MAX_FRAME = 1 << 20;
    private static LocalNodes nodes;
    private static PeerAddress address;
    private static NodeService node;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = LocalNodes.stories260K();
        // Limits wide enough for a fuzzer that opens a connection per input, as fast as it can.
        address = nodes.startWithLimits(LAYERS, NodeSettings.defaults().withMaxFrameBytes(MAX_FRAME),
                new ConnectionLimits(64, 100_000, Duration.ofSeconds(60)));
        node = nodes.server(0).service();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void everyStreamIsAnsweredOrHungUpOnAndLeavesNoSessionBehind() throws Exception {
        FuzzRun.run("node over TLS, changed streams", NodeStreamFuzzTest::feed);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!node.connections().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(node.connections()).as("connections left once every fuzzing peer has gone").isEmpty();
        assertThat(node.openSessions()).isZero();
        assertThat(node.freeKvBytes()).isEqualTo(node.kvBudget().limitBytes());
        try (PeerRoute gateway = PeerRoute.open(List.of(address), nodes.modelId(), LAYERS.end(), new Fp32Codec(), Duration.ofSeconds(30));
             ShardSession reference = new ShardRunner(nodes.model().weights(), LAYERS, nodes.ops()).openSession()) {
            HiddenStates window = nodes.window(5);
            assertThat(gateway.stages().getFirst().forward(0, window).values()).containsExactly(reference.forward(0, window).values());
        }
    }

    /**
     * What the node's frame decoder makes of a stream ended by the ping: frames up to the ping, a
     * frame it refuses (the node then hangs up), or a frame still short of bytes (the node waits
     * for them, as it must for a frame that comes slowly, and the ping is part of that frame).
     */
    private enum Framing { WHOLE, BROKEN, WAITING }

    private static Framing framing(byte[] streamAndPing) {
        EmbeddedChannel channel = new EmbeddedChannel(new PeerFrameDecoder(MAX_FRAME));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(streamAndPing));
            Object last = null;
            for (Object message; (message = channel.readInbound()) != null; ) {
                last = message;
            }
            return new Ping(PING_NONCE).equals(last) ? Framing.WHOLE : Framing.WAITING;
        } catch (DecoderException e) {
            return Framing.BROKEN;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Sends the stream and the ping, then waits for what the framing calls for: the pong or a
     * hang-up when the frames are whole, a hang-up when one is broken; a stream that stops in the
     * middle of a frame gets what the frames before it earn, for 200 ms. No answer may be INTERNAL.
     */
    private static void feed(SplittableRandom random) throws Exception {
        byte[] stream = withPing(mutate(random, gatewayStream(random)));
        Framing framing = framing(stream);
        try (RawPeer peer = new RawPeer(address)) {
            int[] cuts = random.ints(random.nextInt(3), 0, stream.length + 1).sorted().toArray();
            int from = 0;
            try {
                for (int cut : cuts) {
                    peer.sendRaw(Unpooled.wrappedBuffer(stream, from, cut - from));
                    from = cut;
                }
                peer.sendRaw(Unpooled.wrappedBuffer(stream, from, stream.length - from));
            } catch (Exception e) { // Netty rethrows the write's cause as it is: a closed channel, or IOException: Broken pipe
                assertThat(peer.closedByNode()).as("the connection after a write failed with %s", e.toString()).isTrue();
                return; // hung up on before the last piece: the pieces before held a broken frame or an error that closes
            }
            long waitingEnd = System.nanoTime() + 200_000_000L;
            List<PeerMessage> replies = new ArrayList<>();
            while (framing != Framing.WAITING || System.nanoTime() < waitingEnd) {
                PeerMessage reply = peer.poll(20);
                if (reply != null) {
                    replies.add(reply);
                    if (reply instanceof ErrorReply error) {
                        assertThat(error.code()).as("%s after %s", error, replies).isNotEqualTo(ErrorCode.INTERNAL);
                    }
                    if (reply.equals(new Pong(PING_NONCE)) && framing == Framing.WHOLE) {
                        return;
                    }
                } else if (!peer.isOpen()) {
                    return; // hung up on: a broken frame, or an error that closes the connection
                }
            }
        }
    }

    private static byte[] withPing(byte[] stream) {
        ByteBuf out = Unpooled.buffer().writeBytes(stream);
        MessageCodec.encode(new Ping(PING_NONCE), out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    /** What a gateway sends: mostly a handshake and a session's windows, now and then a message out of place. */
    private static byte[] gatewayStream(SplittableRandom random) {
        ByteBuf out = Unpooled.buffer();
        if (random.nextInt(10) > 0) {
            MessageCodec.encode(new Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()), out);
        }
        HiddenStateCodec codec = HiddenStateCodecs.all().get(random.nextInt(HiddenStateCodecs.all().size()));
        long session = random.nextInt(3);
        MessageCodec.encode(new OpenSession(session, codec.id()), out);
        int cached = 0;
        int messages = random.nextInt(8);
        for (int m = 0; m < messages; m++) {
            switch (random.nextInt(6)) {
                case 0 -> MessageCodec.encode(new Truncate(session, random.nextInt(cached + 1)), out);
                case 1 -> MessageCodec.encode(new Ping(random.nextLong()), out);
                default -> {
                    int positions = 1 + random.nextInt(6);
                    MessageCodec.encode(new Forward(session, cached, positions, codec.id(),
                            codec.encode(nodes.window(positions), LAYERS.start())), out);
                    cached += positions;
                }
            }
        }
        if (random.nextBoolean()) {
            MessageCodec.encode(new CloseSession(session), out);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    /** The stream as it is (a fifth of the time), or with bytes changed, a stretch cut out, or random bytes inserted. */
    private static byte[] mutate(SplittableRandom random, byte[] stream) {
        return switch (random.nextInt(5)) {
            case 0 -> stream;
            case 1, 2 -> {
                int changes = 1 + random.nextInt(4);
                for (int c = 0; c < changes; c++) {
                    stream[random.nextInt(stream.length)] ^= (byte) (1 + random.nextInt(255));
                }
                yield stream;
            }
            case 3 -> {
                int from = random.nextInt(stream.length);
                int to = from + random.nextInt(stream.length - from + 1);
                byte[] cut = new byte[stream.length - (to - from)];
                System.arraycopy(stream, 0, cut, 0, from);
                System.arraycopy(stream, to, cut, from, stream.length - to);
                yield cut;
            }
            default -> {
                byte[] inserted = new byte[1 + random.nextInt(16)];
                random.nextBytes(inserted);
                int at = random.nextInt(stream.length + 1);
                byte[] longer = new byte[stream.length + inserted.length];
                System.arraycopy(stream, 0, longer, 0, at);
                System.arraycopy(inserted, 0, longer, at, inserted.length);
                System.arraycopy(stream, at, longer, at + inserted.length, stream.length - at);
                yield longer;
            }
        };
    }
}
