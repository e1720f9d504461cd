package org.farnode.app.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Copies each decrypted inbound buffer to an {@link InboundAudit}, then passes it on untouched. */
final class InboundAuditHandler extends ChannelInboundHandlerAdapter {
    private final InboundAudit audit;
    private final int connection;

    InboundAuditHandler(InboundAudit audit, int connection) {
        this.audit = audit;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof ByteBuf bytes) {
            audit.received(connection, ByteBufUtil.getBytes(bytes));
        }
        ctx.fireChannelRead(message);
    }
}
