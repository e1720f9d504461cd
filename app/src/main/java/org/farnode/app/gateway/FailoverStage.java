package org.farnode.app.gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.peer.EncodedStage;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.PeerException;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.Windows;

/**
 * One hop of the route that outlives its node: a session on a remote node, and spare peers that
 * serve the same layers. When the node is gone (its connection drops, a request fails without
 * an error reply from it, or it says it is leaving), the stage opens a session on the next spare,
 * replays the windows the lost node had accepted and still held in its cache, and sends again the
 * windows that were in flight, in their order. The new node's cache then holds what the lost one
 * held, computed from the same bytes in the same windows, so generation goes on with the same
 * tokens. When the node is there but has wiped the session ({@code SESSION_EXPIRED}: idle too long,
 * or evicted to make room for another session), the stage does the same on that node first, and
 * on the spares if it refuses.
 *
 * <p>The stage keeps, in the session's codec, every window its node accepted since the positions
 * were last forgotten (the payload bytes as sent, so a replay needs no encoding again): the price
 * is the route's input to this hop for the whole context. A node that answers with any other error
 * is not gone and its error is passed on; a stalled node is not detected here beyond the peer
 * timeout.
 *
 * <p>A window's failure arrives on the network thread of its node's connection; the stage takes
 * over on a thread of its own, since reopening the session on the same node waits for replies
 * that only that network thread can read.
 */
public final class FailoverStage implements EncodedStage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FailoverStage.class);
    /** A window as sent: its first position, its length and its payload in the session's codec. */
    private record Sent(int startPosition, int positions, byte[] payload) {
        int end() {
            return startPosition + positions;
        }
    }

    /** A window sent and not yet answered; {@code result} completes with the node's payload. */
    private static final class Pending {
        final Sent window;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Pending(Sent window) {
            this.window = window;
        }
    }

    private final LayerRange layers;
    private final HiddenStateCodec codec;
    /** Guarded by this, as are the fields after it. */
    private final Deque<PeerClient> spares;
    private final List<Sent> accepted = new ArrayList<>();
    private final List<Pending> inFlight = new ArrayList<>();
    private final List<RemoteShardStage> lost = new ArrayList<>();
    private RemoteShardStage current;
    /** The session a takeover is under way from, so that the failures of its other windows start no second one. */
    private RemoteShardStage leaving;
    /** Positions the current node holds, as far as the gateway has told it. */
    private int cached;

    /**
     * {@code first}'s session, with {@code spares} (connected peers serving the same layers, tried
     * in order) to take over when its node is gone.
     */
    public FailoverStage(RemoteShardStage first, List<PeerClient> spares) {
        for (PeerClient spare : spares) {
            if (!spare.layers().equals(first.layers())) {
                throw new IllegalArgumentException("spare " + spare.describe() + " serves " + spare.layers()
                        + ", not " + first.layers());
            }
        }
        this.layers = first.layers();
        this.codec = first.codec();
        this.current = first;
        this.spares = new ArrayDeque<>(spares);
    }

    @Override
    public LayerRange layers() {
        return layers;
    }

    /** The session that serves the hop now. */
    public synchronized RemoteShardStage current() {
        return current;
    }

    /** The sessions this hop lost (their node gone, or their cache wiped), oldest first. */
    public synchronized List<RemoteShardStage> lost() {
        return List.copyOf(lost);
    }

    /** The session's codec: what its windows travel in (the same on every node of the hop). */
    public HiddenStateCodec codec() {
        return codec;
    }

    /** {@code window} in this session's codec at this hop's first layer. */
    public byte[] encode(HiddenStates window) {
        return codec.encode(window, layers.start());
    }

    /** A payload this hop returned: hidden states after its last layer. */
    public HiddenStates decode(byte[] payload, int windowPositions, int width) {
        return codec.decode(payload, windowPositions, width, layers.end());
    }



    /** As {@link RemoteShardStage#forwardEncodedAsync}, sent again to a spare when the node is lost on the way. */
    public synchronized CompletableFuture<byte[]> forwardEncodedAsync(int startPosition, int windowPositions, byte[] payload) {
        Pending pending = new Pending(new Sent(startPosition, windowPositions, payload));
        inFlight.add(pending);
        send(pending, current);
        return pending.result;
    }

    @Override
    public synchronized void forgetBeforeNextWindow(int length) {
        forget(length);
        current.forgetBeforeNextWindow(length);
    }

    @Override
    public synchronized void truncate(int length) {
        forget(length);
        try {
            current.truncate(length);
        } catch (PeerException e) {
            if (!recoverable(e)) {
                throw e;
            }
            if (!failOver(e)) { // the replay ends with the new node truncated to the same length
                throw e;
            }
        }
    }

    /** Ends the session on the node that serves the hop now; lost nodes wiped theirs when their connection dropped. */
    @Override
    public synchronized void close() {
        current.close();
    }

    /** Called under the lock: sends {@code pending} to {@code stage}. */
    private void send(Pending pending, RemoteShardStage stage) {
        Sent w = pending.window;
        stage.forwardEncodedAsync(w.startPosition(), w.positions(), w.payload())
                .whenComplete((payload, error) -> answered(pending, stage, payload, error));
    }

    private void answered(Pending pending, RemoteShardStage stage, byte[] payload, Throwable error) {
        synchronized (this) {
            if (stage != current || !inFlight.contains(pending)) {
                return; // sent again to the node that took over
            }
            if (error != null && recoverable(error)) {
                if (leaving != stage) {
                    leaving = stage;
                    Thread.ofVirtual().name("failover " + layers).start(() -> takeOverFrom(stage, error));
                }
                return;
            }
            inFlight.remove(pending);
            if (error == null) {
                accept(pending.window);
            }
        }
        if (error == null) {
            pending.result.complete(payload);
        } else {
            pending.result.completeExceptionally(error);
        }
    }

    /** The node accepted {@code window}: it now holds positions up to its end, and none after. */
    private void accept(Sent window) {
        forget(window.startPosition());
        accepted.add(window);
        cached = window.end();
    }

    /** Drops the windows that start at or after {@code length}; the node holds at most {@code length} positions. */
    private void forget(int length) {
        accepted.removeIf(w -> w.startPosition() >= length);
        cached = Math.min(cached, length);
    }

    private synchronized void takeOverFrom(RemoteShardStage stage, Throwable cause) {
        if (stage != current) {
            return; // a truncation took over meanwhile
        }
        try {
            failOver(cause);
        } catch (RuntimeException e) { // no window may wait for ever
            List<Pending> failed = List.copyOf(inFlight);
            inFlight.clear();
            failed.forEach(p -> p.result.completeExceptionally(e));
        }
    }

    /**
     * Called under the lock when the current session is lost: moves it to the next node that
     * takes it (the same node first when only the session was wiped, then the spares), replays
     * what the lost session held, and sends the windows in flight again; with no node left, fails
     * them and returns false.
     */
    private boolean failOver(Throwable cause) {
        boolean sameNodeFirst = wiped(cause);
        while (true) {
            PeerClient next = sameNodeFirst ? current.peer() : spares.poll();
            sameNodeFirst = false;
            if (next == null) {
                PeerException failure = new PeerException("layers " + layers + " are lost and no spare peer is left", unwrap(cause));
                List<Pending> failed = List.copyOf(inFlight);
                inFlight.clear();
                failed.forEach(p -> p.result.completeExceptionally(failure));
                return false;
            }
            RemoteShardStage opened = null;
            try {
                opened = next.openSession(codec);
                replay(opened);
                if (next == current.peer()) {
                    LOG.warn("{} wiped the session: {}; continuing in a new session on the same node after replaying what it held",
                            next.describe(), unwrap(cause).getMessage());
                } else {
                    LOG.warn("lost {}: {}; continuing on {} after replaying what it held", current.peer().describe(),
                            unwrap(cause).getMessage(), next.describe());
                }
                lost.add(current);
                current = opened;
                for (Pending pending : List.copyOf(inFlight)) {
                    send(pending, opened); // a failure here fails over again, and the rest go to a lost node and are ignored
                }
                return true;
            } catch (PeerException e) {
                if (opened != null && !gone(e)) {
                    closeQuietly(opened); // it refused the replay: free what it holds of it
                }
                LOG.warn("{} could not take over layers {}: {}", next.describe(), layers, e.getMessage());
                cause = e;
            }
        }
    }

    private static void closeQuietly(RemoteShardStage stage) {
        try {
            stage.close();
        } catch (PeerException ignored) {
            // the node wipes it with the connection, or when it expires
        }
    }

    /** Sends {@code next} the windows the lost node held, in order, and truncates it to what the lost node kept. */
    private void replay(RemoteShardStage next) {
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (Sent w : accepted) {
            replies.add(next.forwardEncodedAsync(w.startPosition(), w.positions(), w.payload()));
        }
        replies.forEach(Windows::await);
        int end = accepted.isEmpty() ? 0 : accepted.getLast().end();
        if (end > cached) {
            next.truncate(cached);
        }
    }

    /** Whether the hop can go on after {@code error}, in a new session: the node is gone, or it wiped the session. */
    private static boolean recoverable(Throwable error) {
        return gone(error) || wiped(error);
    }

    /**
     * Whether {@code error} says the node is gone: no error reply from it (a lost connection, no
     * answer in time), or its word that it is leaving.
     */
    private static boolean gone(Throwable error) {
        return unwrap(error) instanceof PeerException e && (e.code() == null || e.code() == ErrorCode.NODE_LEAVING);
    }

    /** Whether {@code error} says the node wiped the session's cache (idle too long, or evicted), the node itself being there. */
    private static boolean wiped(Throwable error) {
        return unwrap(error) instanceof PeerException e && e.code() == ErrorCode.SESSION_EXPIRED;
    }

    private static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }
}
