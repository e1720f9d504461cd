package org.farnode.app.node;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Netty's side of one {@link NodeConnection}: hands decoded messages and broken frames to it on the compute thread. */
final class NodeChannelHandler extends SimpleChannelInboundHandler<PeerMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeChannelHandler.class);
    private final NodeService node;
    private NodeConnection connection;

    NodeChannelHandler(NodeService node) {
        this.node = node;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection = node.connect(new PeerLink() {
            @Override
            public void send(PeerMessage message) {
                ctx.channel().writeAndFlush(message);
            }

            @Override
            public void sendAndClose(PeerMessage message) {
                ctx.channel().writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PeerMessage message) {
        NodeConnection target = connection;
        node.submit(() -> target.receive(message));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        node.disconnect(connection);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolException protocol) {
            NodeConnection target = connection;
            node.submit(() -> target.protocolError(protocol));
            return;
        }
        LOG.info("closing connection from {}: {}", ctx.channel().remoteAddress(), root.toString());
        ctx.close();
    }
}
