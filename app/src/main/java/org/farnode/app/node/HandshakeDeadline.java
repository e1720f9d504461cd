package org.farnode.app.node;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closes a connection that has not completed its handshake (TLS, the gateway's Hello, the node's
 * Welcome) within the deadline: a slow-loris client that opens connections and sends nothing, or
 * a byte now and then, would otherwise hold them, and the per-address limit, for as long as it
 * likes. First in the pipeline; {@link NodeChannelHandler} fires {@link #WELCOMED} when it sends
 * the Welcome.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter {
    /** The user event that ends the deadline: the node has sent its Welcome. */
    static final Object WELCOMED = new Object() {
        @Override
        public String toString() {
            return "WELCOMED";
        }
    };
    private final Duration timeout;
    private final NodeEvents events;
    private final AtomicLong timedOut;
    private ScheduledFuture<?> deadline;

    HandshakeDeadline(Duration timeout, NodeEvents events, AtomicLong timedOut) {
        this.timeout = timeout;
        this.events = events;
        this.timedOut = timedOut;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            timedOut.incrementAndGet();
            events.emit(NodeEvent.Kind.CONNECTION_REFUSED, NodeChannelHandler.hostAndPort(ctx.channel().remoteAddress())
                    + ": closed: no handshake within " + seconds(timeout) + " (TLS, then Hello)");
            ctx.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == WELCOMED) {
            cancel();
            ctx.pipeline().remove(this);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() / 1000.0 + " s";
    }
}
