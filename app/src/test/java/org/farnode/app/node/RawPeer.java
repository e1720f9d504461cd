package org.farnode.app.node;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.farnode.app.identity.PeerTls;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.PeerFrameDecoder;
import org.farnode.app.protocol.PeerFrameEncoder;
import org.farnode.app.protocol.PeerMessage;

/** A TLS client that can send a node anything, well-formed or not, and collects what comes back. */
final class RawPeer implements AutoCloseable {
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<PeerMessage> replies = new LinkedBlockingQueue<>();
    private final Channel channel;

    RawPeer(PeerAddress node) throws InterruptedException {
        var tls = PeerTls.clientContext(node.nodeId());
        channel = new Bootstrap().group(loop).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), node.host(), node.port()), new PeerFrameDecoder(1 << 24),
                        new PeerFrameEncoder(), new SimpleChannelInboundHandler<PeerMessage>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, PeerMessage message) {
                                replies.add(message);
                            }
                        });
            }
        }).connect(node.host(), node.port()).sync().channel();
        channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
    }

    void send(PeerMessage message) {
        channel.writeAndFlush(message).syncUninterruptibly();
    }

    void sendRaw(ByteBuf bytes) {
        channel.writeAndFlush(bytes).syncUninterruptibly();
    }

    /** The next reply, failing the test after 30 s. */
    PeerMessage reply() throws InterruptedException {
        PeerMessage message = replies.poll(30, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no reply from the node within 30 s");
        }
        return message;
    }

    /** The next reply within {@code millis}, or null. */
    PeerMessage poll(long millis) throws InterruptedException {
        return replies.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the node closed the connection within 10 s. */
    boolean closedByNode() {
        return channel.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** {@code host:port} of this end, as the node sees it. */
    String localAddress() {
        var local = (java.net.InetSocketAddress) channel.localAddress();
        return local.getHostString() + ":" + local.getPort();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
