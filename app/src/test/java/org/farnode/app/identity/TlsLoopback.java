package org.farnode.app.identity;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * A TLS echo server and its clients on the loopback interface, for tests. Closing it closes
 * every channel and shuts the event loops down.
 */
final class TlsLoopback implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup eventLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    /** Starts a server that sends back every byte it receives; returns its port. */
    int startEchoServer(SslContext serverContext) throws InterruptedException {
        Channel server = new ServerBootstrap()
                .group(eventLoops)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(serverContext.newHandler(channel.alloc()), new Echo());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connects to {@code port} on loopback; the TLS handshake runs in the background. */
    Client connect(SslContext clientContext, int port) throws InterruptedException {
        Received received = new Received();
        AtomicReference<SslHandler> tls = new AtomicReference<>();
        Channel channel = new Bootstrap()
                .group(eventLoops)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // Kept here: a refused handshake closes the channel and empties its pipeline.
                        tls.set(clientContext.newHandler(channel.alloc()));
                        channel.pipeline().addLast(tls.get(), received);
                    }
                })
                .connect(InetAddress.getLoopbackAddress(), port)
                .sync()
                .channel();
        return new Client(channel, tls.get(), received);
    }

    @Override
    public void close() {
        eventLoops.shutdownGracefully(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly(TIMEOUT.toMillis());
    }

    /** A client channel and the bytes that came back on it. */
    record Client(Channel channel, SslHandler tls, Received received) {
        /** Waits for the handshake; true if it completed (successfully or not) within the timeout. */
        boolean awaitHandshake() throws InterruptedException {
            return tls().handshakeFuture().await(TIMEOUT.toMillis());
        }

        /** Sends {@code message} and waits until as many bytes have come back. */
        byte[] echo(byte[] message) throws Exception {
            CompletableFuture<byte[]> reply = received.expect(message.length);
            channel.writeAndFlush(Unpooled.wrappedBuffer(message)).sync();
            return reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends back what it reads; the write releases the buffer. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            context.writeAndFlush(message);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            // A refused handshake ends up here; the test checks the client's side of it.
            context.close();
        }
    }

    /** Collects the bytes a client receives until an expected count has arrived. */
    static final class Received extends SimpleChannelInboundHandler<ByteBuf> {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private CompletableFuture<byte[]> reply = new CompletableFuture<>();
        private int expectedLength;

        synchronized CompletableFuture<byte[]> expect(int length) {
            bytes.reset();
            expectedLength = length;
            reply = new CompletableFuture<>();
            return reply;
        }

        @Override
        protected synchronized void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            byte[] chunk = new byte[message.readableBytes()];
            message.readBytes(chunk);
            bytes.writeBytes(chunk);
            if (bytes.size() >= expectedLength) {
                reply.complete(bytes.toByteArray());
            }
        }

        @Override
        public synchronized void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            reply.completeExceptionally(cause);
            context.close();
        }
    }
}
