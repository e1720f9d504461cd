package org.farnode.app.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames ({@code u32 length | type | body}) and decodes each into a
 * {@link PeerMessage}. A length above {@code maxFrameBytes} or a frame that does not decode
 * raises a {@link ProtocolException}; after that the stream cannot be trusted, so everything
 * later on the connection is discarded until the handler closes it.
 */
public final class PeerFrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;
    private boolean failed;

    public PeerFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 64) {
            throw new IllegalArgumentException("the maximum frame size must be at least 64 bytes, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < MessageCodec.LENGTH_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length == 0 || length > maxFrameBytes) {
            failed = true;
            throw length == 0
                    ? new ProtocolException(ErrorCode.MALFORMED_FRAME, "a frame of length 0 has no message type")
                    : new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "a frame of " + length
                            + " bytes exceeds this node's limit of " + maxFrameBytes + " bytes");
        }
        if (in.readableBytes() < MessageCodec.LENGTH_BYTES + length) {
            return;
        }
        in.skipBytes(MessageCodec.LENGTH_BYTES);
        ByteBuf frame = in.readSlice((int) length);
        try {
            out.add(MessageCodec.decode(frame));
        } catch (ProtocolException e) {
            failed = true;
            throw e;
        }
    }
}
