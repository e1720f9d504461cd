package org.farnode.app.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.testing.ThreadAllocations;
import org.junit.jupiter.api.Test;

/**
 * Nothing a peer declares makes the node allocate before the bytes are there: a frame length
 * above the limit is refused from its 4-byte prefix, a length within it is waited for without
 * reserving it, and a payload length field longer than its frame is refused before a byte array
 * of that size exists. Measured as the bytes this thread allocates, at the node's default limit
 * of 64 MiB, against an allowance of {@value #ALLOWANCE} bytes for the channel, pipeline and
 * exception.
 */
class FrameLimitAllocationTest {
    private static final int LIMIT = NodeSettings.DEFAULT_MAX_FRAME_BYTES;
    private static final long ALLOWANCE = 256 << 10;

    @Test
    void aLengthAboveTheLimitIsRefusedBeforeAnyBufferOfItsSize() {
        for (long declared : new long[] {LIMIT + 1L, 0xFFFF_FFFFL}) {
            long allocated = ThreadAllocations.ofSecondRun(() -> {
                EmbeddedChannel channel = new EmbeddedChannel(new PeerFrameDecoder(LIMIT));
                assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt((int) declared).writeByte(5)))
                        .isInstanceOf(DecoderException.class).cause().isInstanceOf(ProtocolException.class)
                        .hasMessageContaining(declared + " bytes exceeds this node's limit of " + LIMIT);
                channel.finishAndReleaseAll();
            });
            assertThat(allocated).as("bytes allocated refusing a frame of %d bytes", declared).isLessThan(ALLOWANCE);
        }
    }

    @Test
    void aLengthWithinTheLimitIsWaitedForWithoutReservingIt() {
        long allocated = ThreadAllocations.ofSecondRun(() -> {
            EmbeddedChannel channel = new EmbeddedChannel(new PeerFrameDecoder(LIMIT));
            channel.writeInbound(Unpooled.buffer().writeInt(LIMIT).writeByte(5));
            for (int chunk = 0; chunk < 4; chunk++) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[1024]));
            }
            Object decoded = channel.readInbound();
            assertThat(decoded).as("a frame still 64 MiB short").isNull();
            channel.finishAndReleaseAll();
        });
        assertThat(allocated).as("bytes allocated holding 4 KiB of a 64 MiB frame").isLessThan(ALLOWANCE);
    }

    @Test
    void aPayloadLengthLongerThanItsFrameIsRefusedBeforeItsArrayExists() {
        long allocated = ThreadAllocations.ofSecondRun(() -> {
            // Forward: session 7, positions 0 + 1, codec 1, then a payload length of almost 2 GiB and 16 bytes.
            ByteBuf frame = Unpooled.buffer().writeByte(5).writeLong(7).writeInt(0).writeInt(1).writeByte(1)
                    .writeInt(0x7FFF_FFF0).writeBytes(new byte[16]);
            assertThatThrownBy(() -> MessageCodec.decode(frame)).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("a payload of " + 0x7FFF_FFF0 + " bytes is longer than the 16 bytes left in its frame")
                    .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            frame.release();
        });
        assertThat(allocated).as("bytes allocated refusing a payload that claims 2 GiB").isLessThan(ALLOWANCE);
    }
}
