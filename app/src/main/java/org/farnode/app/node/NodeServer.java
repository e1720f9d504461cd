package org.farnode.app.node;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.identity.PeerTls;
import org.farnode.app.protocol.PeerFrameDecoder;
import org.farnode.app.protocol.PeerFrameEncoder;

/**
 * A node listening for gateways: TLS 1.3 with the node's own certificate, then the peer
 * protocol's frames, then the {@link NodeService}.
 */
public final class NodeServer implements AutoCloseable {
    private static final PeerFrameEncoder ENCODER = new PeerFrameEncoder();
    private final NodeService service;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Channel listener;

    private NodeServer(NodeService service, EventLoopGroup acceptors, EventLoopGroup workers, Channel listener) {
        this.service = service;
        this.acceptors = acceptors;
        this.workers = workers;
        this.listener = listener;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public static NodeServer start(NodeService service, NodeIdentity identity, String host, int port)
            throws InterruptedException {
        return start(service, identity, host, port, null);
    }

    /**
     * As {@link #start(NodeService, NodeIdentity, String, int)}, handing {@code audit} a copy of
     * every byte each connection receives after TLS decryption: exactly what this node learns
     * from the gateways it serves.
     */
    public static NodeServer start(NodeService service, NodeIdentity identity, String host, int port, InboundAudit audit)
            throws InterruptedException {
        if (!identity.nodeId().equals(service.nodeId())) {
            throw new IllegalArgumentException("the service is for node " + service.nodeId() + " but the identity is "
                    + identity.nodeId());
        }
        SslContext tls = PeerTls.serverContext(identity);
        int maxFrame = service.settings().maxFrameBytes();
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(acceptors, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc()));
                            if (audit != null) {
                                channel.pipeline().addLast(new InboundAuditHandler(audit, connections.incrementAndGet()));
                            }
                            channel.pipeline().addLast(
                                    new PeerFrameDecoder(maxFrame),
                                    ENCODER,
                                    new NodeChannelHandler(service));
                        }
                    })
                    .bind(host, port).sync().channel();
            return new NodeServer(service, acceptors, workers, listener);
        } catch (InterruptedException | RuntimeException e) {
            acceptors.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public NodeService service() {
        return service;
    }

    /** Stops accepting, closes every connection, and stops the compute thread. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        acceptors.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        service.close();
    }
}
