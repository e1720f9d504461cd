package org.farnode.app.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes each outgoing {@link PeerMessage} as one frame. Stateless, so one instance serves every channel. */
@ChannelHandler.Sharable
public final class PeerFrameEncoder extends MessageToByteEncoder<PeerMessage> {

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerMessage message, ByteBuf out) {
        MessageCodec.encode(message, out);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, PeerMessage message, boolean preferDirect) {
        int size = MessageCodec.frameSize(message);
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }
}
