package org.farnode.app.node;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.Ping;
import org.farnode.app.protocol.PeerMessage.Pong;
import org.farnode.app.protocol.PeerMessage.Welcome;
import org.farnode.app.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's side of one {@link NodeConnection}: queues decoded messages and broken frames for it on
 * the compute thread, and answers pings itself.
 */
final class NodeChannelHandler extends SimpleChannelInboundHandler<PeerMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeChannelHandler.class);
    private static final int MAX_CAUSE_CHARS = 160;
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
                if (message instanceof Welcome) {
                    ctx.pipeline().fireUserEventTriggered(HandshakeDeadline.WELCOMED);
                }
            }

            @Override
            public void sendAndClose(PeerMessage message) {
                ctx.channel().writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
            }

            @Override
            public String security() {
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                if (tls == null) {
                    return "not encrypted";
                }
                var session = tls.engine().getSession();
                return tls.handshakeFuture().isSuccess() ? session.getProtocol() + " " + session.getCipherSuite()
                        : "TLS handshake in progress";
            }
        }, hostAndPort(ctx.channel().remoteAddress()));
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PeerMessage message) {
        if (message instanceof Ping ping) {
            // Answered here on the network thread, not behind the windows queued for the compute
            // thread, so the round trip measures the network, also while the node is paused. Not
            // counted in TrafficCounters: those count inference traffic, which both ends compare.
            ctx.writeAndFlush(new Pong(ping.nonce()));
            return;
        }
        node.receive(connection, message);
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
            node.protocolError(connection, protocol);
            return;
        }
        String peer = hostAndPort(ctx.channel().remoteAddress());
        String why = withoutPayload(root);
        LOG.info("closing connection from {}: {}", peer, why);
        node.events().emit(NodeEvent.Kind.ERROR, peer + ": connection closed after an error: " + why);
        ctx.close();
    }

    /**
     * What went wrong, in words that quote none of the bytes received: Netty's "not an SSL/TLS
     * record" quotes every byte it refused in hex, which from a gateway that speaks the protocol
     * without TLS are its frames, hidden states and all; other causes are cut to fit a log line.
     */
    private static String withoutPayload(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return cause.getClass().getName() + ": not an SSL/TLS record (the peer does not speak TLS; "
                    + "the bytes it sent are not logged)";
        }
        String text = cause.toString();
        return text.length() <= MAX_CAUSE_CHARS ? text : text.substring(0, MAX_CAUSE_CHARS) + "…";
    }

    /** {@code host:port} as the socket reports it, without a name lookup; an IPv6 host in brackets. */
    static String hostAndPort(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
