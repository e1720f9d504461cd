package org.farnode.app.node;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.farnode.app.directory.Directory;
import org.farnode.app.directory.NodeRecord;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.identity.PeerTls;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.PeerFrameDecoder;
import org.farnode.app.protocol.PeerFrameEncoder;

/**
 * A node listening for gateways: the operator's bandwidth caps, TLS 1.3 with the node's own
 * certificate, then the peer protocol's frames, then the {@link NodeService}.
 */
public final class NodeServer implements AutoCloseable {
    private static final PeerFrameEncoder ENCODER = new PeerFrameEncoder();
    /**
     * How often the bandwidth caps' counters start a new interval (Netty's default is 1 s). Netty
     * charges a read in the first 10 ms of an interval with the interval before as well, so the
     * first window under a new cap also pays for the uncapped traffic of the interval before the
     * cap; a short interval keeps that one-off charge small. Windows sent one at a time right after
     * a 64 KiB/s download cap was set went through at 23 KiB/s with 1 s, at 46 to 64 KiB/s with
     * 100 ms; once the cap had settled, at 64 KiB/s with either (NodeBandwidthCapTest prints it).
     */
    private static final long RATE_CHECK_MILLIS = 100;
    /** How long a gracefully leaving node waits for its farewells to be sent and its connections to close. */
    private static final Duration HANG_UP_WAIT = Duration.ofSeconds(2);
    private final NodeService service;
    private final String host;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Channel listener;
    /** The gateways' connections open now (a group drops a channel when it closes). */
    private final ChannelGroup connections;
    /** One for all connections, so the caps hold for the node as a whole, however many gateways it serves. */
    private final GlobalTrafficShapingHandler bandwidth;
    /** The directories this node is listed in, to withdraw from when it leaves. */
    private final List<Directory> directories = new CopyOnWriteArrayList<>();
    private final ConnectionLimits limits;
    private final PerAddressLimits perAddress;
    private final AtomicLong handshakeTimeouts;

    private NodeServer(NodeService service, String host, EventLoopGroup acceptors, EventLoopGroup workers, Channel listener,
                       ChannelGroup connections, GlobalTrafficShapingHandler bandwidth, ConnectionLimits limits,
                       PerAddressLimits perAddress, AtomicLong handshakeTimeouts) {
        this.limits = limits;
        this.perAddress = perAddress;
        this.handshakeTimeouts = handshakeTimeouts;
        this.service = service;
        this.host = host;
        this.acceptors = acceptors;
        this.workers = workers;
        this.listener = listener;
        this.connections = connections;
        this.bandwidth = bandwidth;
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
        return start(service, identity, host, port, audit, ConnectionLimits.defaults());
    }

    /**
     * As {@link #start(NodeService, NodeIdentity, String, int, InboundAudit)} ({@code audit} may be
     * null), admitting connections within {@code limits} per remote address.
     */
    public static NodeServer start(NodeService service, NodeIdentity identity, String host, int port, InboundAudit audit,
                                   ConnectionLimits limits) throws InterruptedException {
        if (!identity.nodeId().equals(service.nodeId())) {
            throw new IllegalArgumentException("the service is for node " + service.nodeId() + " but the identity is "
                    + identity.nodeId());
        }
        SslContext tls = PeerTls.serverContext(identity);
        int maxFrame = service.settings().maxFrameBytes();
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        PerAddressLimits perAddress = new PerAddressLimits(limits, System::nanoTime);
        AtomicLong handshakeTimeouts = new AtomicLong();
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        GlobalTrafficShapingHandler bandwidth = new GlobalTrafficShapingHandler(workers.next(), 0, 0, RATE_CHECK_MILLIS);
        ChannelGroup open = new DefaultChannelGroup("gateways", GlobalEventExecutor.INSTANCE);
        try {
            Channel listener = new ServerBootstrap()
                    .group(acceptors, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            if (!admit(channel, perAddress, service.events())) {
                                return; // closed, with no handler to see a byte of it
                            }
                            open.add(channel);
                            channel.pipeline().addLast(new HandshakeDeadline(limits.handshakeTimeout(), service.events(),
                                    handshakeTimeouts));
                            // Nearest the socket after that, so the caps count the bytes on the wire, TLS records and all.
                            channel.pipeline().addLast(bandwidth);
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
            return new NodeServer(service, host, acceptors, workers, listener, open, bandwidth, limits, perAddress,
                    handshakeTimeouts);
        } catch (InterruptedException | RuntimeException e) {
            bandwidth.release();
            acceptors.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /** Closes {@code channel} at once, with an event, when its address is over a limit; else counts it until it closes. */
    private static boolean admit(SocketChannel channel, PerAddressLimits perAddress, NodeEvents events) {
        InetAddress address = channel.remoteAddress().getAddress();
        Optional<PerAddressLimits.Refusal> refusal = perAddress.admit(address);
        if (refusal.isPresent()) {
            if (refusal.get().tell()) {
                events.emit(NodeEvent.Kind.CONNECTION_REFUSED, refusal.get().reason());
            }
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(closed -> perAddress.closed(address));
        return true;
    }

    /** The per-address limits this server was started with. */
    public ConnectionLimits connectionLimits() {
        return limits;
    }

    /** Connections refused by the per-address limits since the server started. */
    public long refusedConnections() {
        return perAddress.refused();
    }

    /** Connections closed for not finishing the handshake in time since the server started. */
    public long handshakeTimeouts() {
        return handshakeTimeouts.get();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public NodeService service() {
        return service;
    }

    /**
     * Caps the bytes per second this node sends ({@code uploadBytesPerSecond}) and receives
     * ({@code downloadBytesPerSecond}), all its connections together, counted on the wire (TLS
     * included); 0 means unlimited. Applies at once to every connection, open or still to come.
     * Received bytes over the cap are left in
     * the socket until the rate allows them, so TCP slows the sender down; sent bytes wait in the
     * node's queue. The shaping is Netty's, by intervals of 100 ms; a new cap may also charge the
     * traffic of the 100 ms before it, once, so the first window after it can wait as long as those
     * bytes take at the cap.
     *
     * @throws IllegalArgumentException when a rate is negative
     */
    public void setRateLimits(long uploadBytesPerSecond, long downloadBytesPerSecond) {
        if (uploadBytesPerSecond < 0 || downloadBytesPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth caps must be 0 (unlimited) or a positive number of bytes per second, got "
                    + uploadBytesPerSecond + " up and " + downloadBytesPerSecond + " down");
        }
        bandwidth.configure(uploadBytesPerSecond, downloadBytesPerSecond);
    }

    private boolean closed;

    /**
     * Lists this node in {@code directory} (its address, at the host it listens on, with its model
     * and layers), and remembers to withdraw it when the node {@linkplain #shutdownGracefully leaves}.
     */
    public void announceTo(Directory directory) {
        directory.announce(new NodeRecord(new PeerAddress(host, port(), service.nodeId()), service.modelId(), service.layers()));
        directories.add(directory);
    }

    /**
     * Leaves the network, then closes. In this order: withdraws from every directory it was
     * {@linkplain #announceTo announced to}, so no new route picks it; stops taking new sessions
     * and windows (refused with {@code NODE_LEAVING}); finishes the windows already taken, for at
     * most {@code grace}; tells each connected gateway it is leaving and hangs up, which sends the
     * gateways' sessions to their spares; and closes. Pings are answered until the end.
     *
     * @return what it did, for the operator (nothing when it was closed already)
     * @throws IllegalArgumentException when {@code grace} is negative
     */
    public synchronized Departure shutdownGracefully(Duration grace) throws InterruptedException {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the grace to finish windows in must be 0 or more, got " + grace);
        }
        if (closed) {
            return new Departure(0, 0, 0, 0);
        }
        for (Directory directory : directories) {
            directory.withdraw(service.nodeId());
        }
        Departure departure = service.leave(grace).withDirectoriesLeft(directories.size());
        connections.newCloseFuture().await(HANG_UP_WAIT.toMillis());
        close();
        return departure;
    }

    /** The upload cap in bytes per second; 0 = unlimited. */
    public long uploadLimit() {
        return bandwidth.getWriteLimit();
    }

    /** The download cap in bytes per second; 0 = unlimited. */
    public long downloadLimit() {
        return bandwidth.getReadLimit();
    }

    /** Stops accepting, closes every connection, and stops the compute thread; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener.close().syncUninterruptibly();
        acceptors.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        bandwidth.release(); // after the connections: it frees what still waited to be sent
        service.close();
    }
}
