package org.farnode.app.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.identity.PeerTls;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.protocol.PeerFrameDecoder;
import org.farnode.app.protocol.PeerFrameEncoder;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.Ping;
import org.farnode.app.protocol.PeerMessage.Pong;
import org.farnode.app.protocol.PeerMessage.Welcome;
import org.farnode.app.shard.LayerRange;

/**
 * The gateway's connection to one node: TLS pinned to the node id it asked for, the handshake,
 * and request/reply matching for any number of sessions. A node answers a session's requests in
 * the order they came, so a session may have several in flight (a prompt's windows, pipelined)
 * and each reply goes to the oldest request of its session still waiting. Pings go beside the
 * sessions: a pong is matched to its ping by nonce. When the connection drops, or the node says
 * it is leaving, every waiting request and ping fails, as every later one does, with a message
 * naming the node and the layers it served, and no error code: the node is gone.
 */
public final class PeerClient implements AutoCloseable {
    /** Largest frame the gateway accepts from a node. */
    private static final int MAX_FRAME_BYTES = 256 << 20;
    private static final SecureRandom SESSION_IDS = new SecureRandom();
    private static final SecureRandom PING_NONCES = new SecureRandom();

    private final PeerAddress address;
    private final Duration timeout;
    private final EventLoopGroup loop;
    /** Per session, its requests awaiting replies, oldest first. Guarded by itself. */
    private final Map<Long, Queue<CompletableFuture<PeerMessage>>> waiting = new HashMap<>();
    /** Per ping nonce, the ping awaiting its pong; completes with the {@link System#nanoTime} the pong arrived. */
    private final Map<Long, CompletableFuture<Long>> pings = new ConcurrentHashMap<>();
    private final CompletableFuture<PeerMessage> handshake = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile Welcome welcome;
    private volatile String lostReason;

    private PeerClient(PeerAddress address, Duration timeout) {
        this.address = address;
        this.timeout = timeout;
        this.loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    /**
     * Connects, checks the peer's key against its node id, and shakes hands for {@code model}.
     *
     * @throws PeerException naming the node when it cannot be reached, is another node, or refuses the model
     */
    public static PeerClient connect(PeerAddress address, ModelId model, Duration timeout) {
        PeerClient client = new PeerClient(address, timeout);
        try {
            client.open(model);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void open(ModelId model) {
        var tls = PeerTls.clientContext(address.nodeId());
        // Kept here, not looked up in the pipeline after the connect: a refused handshake closes the channel, and a
        // closed channel's pipeline no longer holds its handlers, while the handshake's outcome is what must be told.
        var sslHandler = new AtomicReference<SslHandler>();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        sslHandler.set(tls.newHandler(ch.alloc(), address.host(), address.port()));
                        ch.pipeline().addLast(sslHandler.get(),
                                new PeerFrameDecoder(MAX_FRAME_BYTES), new PeerFrameEncoder(), new Replies());
                    }
                });
        var connected = bootstrap.connect(address.host(), address.port()).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            throw new PeerException("cannot reach " + address.describe() + ": " + connected.cause().getMessage(), connected.cause());
        }
        channel = connected.channel();
        var tlsDone = sslHandler.get().handshakeFuture().awaitUninterruptibly();
        if (!tlsDone.isSuccess()) {
            throw new PeerException("TLS with " + address.describe() + " failed: " + rootMessage(tlsDone.cause()), tlsDone.cause());
        }
        channel.writeAndFlush(new Hello(PeerMessage.PROTOCOL_VERSION, model));
        PeerMessage reply = await(handshake, "the handshake");
        if (!(reply instanceof Welcome w)) {
            throw new PeerException(address.describe() + " answered the handshake with " + reply, ErrorCode.MALFORMED_FRAME);
        }
        if (!w.nodeId().equals(address.nodeId())) {
            throw new PeerException(address.describe() + " calls itself node " + w.nodeId(), ErrorCode.MALFORMED_FRAME);
        }
        welcome = w;
    }

    /** What the node said of itself in the handshake. */
    public Welcome welcome() {
        return welcome;
    }

    public PeerAddress address() {
        return address;
    }

    public LayerRange layers() {
        return new LayerRange(welcome.firstLayer(), welcome.endLayer());
    }

    /** {@code node … at host:port, layers [a, b)}: how errors name this peer. */
    public String describe() {
        return address.describe() + (welcome == null ? "" : " (layers " + layers() + ")");
    }

    /** Opens a session on the node whose hidden states travel in {@code codec}. */
    public RemoteShardStage openSession(HiddenStateCodec codec) {
        long id;
        do {
            id = SESSION_IDS.nextLong();
        } while (id == 0 || hasSession(id));
        return RemoteShardStage.open(this, id, codec);
    }

    private boolean hasSession(long id) {
        synchronized (waiting) {
            return waiting.containsKey(id);
        }
    }

    /**
     * The round trip to the node: from sending a {@code Ping} with a fresh nonce to reading its
     * {@code Pong}. The node answers on its network thread, not after the windows it is computing,
     * so this measures the network (and TLS) rather than the node's queue. May be called while
     * this client's sessions are in use on other threads; their replies are not disturbed.
     *
     * @throws IllegalArgumentException when {@code timeout} is not positive
     * @throws PeerException when no pong comes within {@code timeout} or the connection is closed
     */
    public Duration ping(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a ping's timeout must be positive, got " + timeout);
        }
        CompletableFuture<Long> pong = new CompletableFuture<>();
        long nonce;
        long sentNanos;
        synchronized (waiting) { // the lock under which a lost connection fails what waits
            String lost = lostReason != null ? lostReason
                    : channel.isActive() ? null : "the connection to " + describe() + " is closed";
            if (lost != null) {
                throw new PeerException("cannot ping: " + lost, (ErrorCode) null);
            }
            do {
                nonce = PING_NONCES.nextLong();
            } while (pings.putIfAbsent(nonce, pong) != null);
            sentNanos = System.nanoTime();
            channel.writeAndFlush(new Ping(nonce)).addListener(written -> {
                if (!written.isSuccess()) {
                    pong.completeExceptionally(new PeerException("cannot send a ping to " + describe() + ": "
                            + rootMessage(written.cause()), written.cause()));
                }
            });
        }
        try {
            return Duration.ofNanos(pong.get(timeout.toNanos(), TimeUnit.NANOSECONDS) - sentNanos);
        } catch (TimeoutException e) {
            throw new PeerException(describe() + " did not answer a ping within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PeerException p ? p : new PeerException(describe() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while pinging " + describe(), e);
        } finally {
            pings.remove(nonce, pong);
        }
    }

    /** Sends {@code request} and waits for the node's reply to it. */
    PeerMessage request(PeerMessage request) {
        return await(send(request), request.getClass().getSimpleName());
    }

    /**
     * Sends {@code request} without waiting; the future completes with the node's reply, or fails
     * with a {@link PeerException} for an error reply, a lost connection, or no answer within the
     * timeout (counted from now, so it includes the session's requests queued before this one).
     */
    CompletableFuture<PeerMessage> requestAsync(PeerMessage request) {
        String what = request.getClass().getSimpleName();
        return send(request).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((message, error) -> answer(message, error, what));
    }

    private CompletableFuture<PeerMessage> send(PeerMessage request) {
        CompletableFuture<PeerMessage> reply = new CompletableFuture<>();
        // Queue and write under one lock: the order of a session's queue is the order its requests go out.
        synchronized (waiting) {
            String lost = lostReason;
            if (lost != null) {
                reply.completeExceptionally(new PeerException(lost, (ErrorCode) null));
                return reply;
            }
            waiting.computeIfAbsent(request.sessionId(), id -> new ArrayDeque<>()).add(reply);
            channel.writeAndFlush(request);
        }
        return reply;
    }

    private PeerMessage await(CompletableFuture<PeerMessage> reply, String what) {
        try {
            return answer(reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS), null, what);
        } catch (TimeoutException | ExecutionException e) {
            return answer(null, e, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while waiting for " + describe(), e);
        }
    }

    /** The reply to {@code what}, or the {@link PeerException} that says why there is none. */
    private PeerMessage answer(PeerMessage message, Throwable error, String what) {
        Throwable cause = error instanceof ExecutionException || error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            throw new PeerException(describe() + " did not answer " + what + " within " + timeout.toSeconds() + " s", cause);
        }
        if (cause != null) {
            throw cause instanceof PeerException p ? p : new PeerException(describe() + ": " + cause, cause);
        }
        if (message instanceof ErrorReply reply) {
            throw new PeerException(describe() + " refused " + what + ": " + reply.message() + " [" + reply.code() + "]",
                    reply.code());
        }
        return message;
    }

    @Override
    public void close() {
        Channel open = channel;
        if (open != null) {
            open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** Routes replies to the request of their session; fails everything waiting when the node hangs up. */
    private final class Replies extends SimpleChannelInboundHandler<PeerMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, PeerMessage message) {
            if (message instanceof Pong pong) {
                long arrivedNanos = System.nanoTime();
                CompletableFuture<Long> ping = pings.remove(pong.nonce());
                if (ping != null) { // null: its ping timed out already
                    ping.complete(arrivedNanos);
                }
                return;
            }
            if (message.sessionId() == 0) {
                if (!handshake.isDone()) {
                    handshake.complete(message);
                } else if (message instanceof ErrorReply error && error.code() == ErrorCode.NODE_LEAVING) {
                    // The node has answered everything it took and is about to hang up: hanging up here
                    // fails what still waits, and what comes later, as a lost node, for the routes to go around.
                    lostReason = describe() + " said: " + error.message() + " [" + error.code() + "]";
                    ctx.close();
                } else if (message instanceof ErrorReply error) {
                    lostReason = describe() + " closed the connection: " + error.message() + " [" + error.code() + "]";
                }
                return;
            }
            CompletableFuture<PeerMessage> reply;
            synchronized (waiting) {
                Queue<CompletableFuture<PeerMessage>> queue = waiting.get(message.sessionId());
                reply = queue == null ? null : queue.poll();
                if (queue != null && queue.isEmpty()) {
                    waiting.remove(message.sessionId());
                }
            }
            if (reply != null) {
                reply.complete(message); // outside the lock: the reply's callbacks may send the next hop's window
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            String reason = lostReason != null ? lostReason
                    : "lost the connection to " + describe() + (welcome == null ? "" : "; layers " + layers() + " are unavailable");
            PeerException lost = new PeerException(reason, (ErrorCode) null);
            List<CompletableFuture<?>> failed = new ArrayList<>();
            synchronized (waiting) {
                lostReason = reason;
                waiting.values().forEach(failed::addAll);
                waiting.clear();
                failed.addAll(pings.values());
                pings.clear();
            }
            handshake.completeExceptionally(lost);
            failed.forEach(reply -> reply.completeExceptionally(lost));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            String unavailable = welcome == null ? "" : "; layers " + layers() + " are unavailable";
            lostReason = root instanceof java.io.IOException
                    ? "lost the connection to " + describe() + " (" + rootMessage(root) + ")" + unavailable
                    : "broken stream from " + describe() + ": " + rootMessage(root) + unavailable;
            ctx.close();
        }
    }
}
