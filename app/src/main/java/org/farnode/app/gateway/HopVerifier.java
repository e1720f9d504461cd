package org.farnode.app.gateway;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;

/**
 * Second and third opinions on a hop's windows, from other nodes serving the same layers.
 *
 * <p>A second opinion comes from a shadow session on one other node. The shadow is not sent every
 * window: when a window is checked, it is sent the inputs it has not seen yet together with the
 * checked window, in one window, so checking a fraction of the windows costs the checking node
 * about one prefill of the session rather than a second decode of it. A third opinion, asked only
 * when two disagree, is a fresh session on a third node sent the whole session so far in one window.
 * Not thread-safe: used under its hop's lock.
 */
final class HopVerifier implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HopVerifier.class);

    /** The inputs the hop's node was sent for positions {@code [from, to)}, as hidden states. */
    interface InputRows {
        HiddenStates rows(int from, int to);
    }

    /** What {@code node} computed for a window. */
    record Opinion(PeerClient node, HiddenStates output) {
    }

    private final LayerRange layers;
    private final HiddenStateCodec codec;
    private final VerificationPolicy policy;
    private RemoteShardStage shadow;
    /** Positions the shadow session holds. */
    private int shadowLength;
    private boolean warnedNoNode;

    HopVerifier(LayerRange layers, HiddenStateCodec codec, VerificationPolicy policy) {
        this.layers = layers;
        this.codec = codec;
        this.policy = policy;
    }

    VerificationPolicy policy() {
        return policy;
    }

    /** Whether the window about to be sent is to be checked. */
    boolean selectsNext() {
        return policy.selectsNext();
    }

    /**
     * Sends window {@code [start, start + positions)} to a shadow session on the first of
     * {@code candidates} (keeping the shadow where it already is, if its node is still a candidate),
     * with the inputs before it that the shadow lacks; null when no candidate is left to ask.
     */
    CompletableFuture<Opinion> second(List<PeerClient> candidates, InputRows inputs, int start, int positions) {
        if (shadow != null && !candidates.contains(shadow.peer())) {
            dropShadow();
        }
        if (shadow == null) {
            if (candidates.isEmpty()) {
                if (!warnedNoNode) {
                    warnedNoNode = true;
                    LOG.warn("layers {}: windows are not checked, as no second node serving them is available", layers);
                }
                return null;
            }
            try {
                shadow = candidates.getFirst().openSession(codec);
                shadowLength = 0;
            } catch (RuntimeException e) {
                LOG.warn("layers {}: cannot open a checking session on {}: {}", layers, candidates.getFirst().describe(),
                        e.getMessage());
                return null;
            }
        }
        int from = Math.min(shadowLength, start);
        shadowLength = start + positions;
        return ask(shadow, inputs.rows(from, start + positions), from, positions);
    }

    /** Has {@code node} compute the session up to the window's end in a fresh session, for its output on the window. */
    CompletableFuture<Opinion> third(PeerClient node, InputRows inputs, int start, int positions) {
        RemoteShardStage session;
        try {
            session = node.openSession(codec);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return ask(session, inputs.rows(0, start + positions), 0, positions)
                .whenComplete((opinion, error) -> CompletableFuture.runAsync(session::closeQuietly));
    }

    /** The node's positions from {@code length} on are forgotten: the shadow follows. */
    void forget(int length) {
        shadowLength = Math.min(shadowLength, length);
    }

    /** A second opinion from {@code node} failed: a later check opens a new shadow session, on it or another node. */
    void secondFailed(PeerClient node) {
        if (shadow != null && shadow.peer() == node) {
            dropShadow();
        }
    }

    /** The node that gives second opinions now, or null. */
    PeerClient shadowNode() {
        return shadow == null ? null : shadow.peer();
    }

    /** Stops asking the shadow's node (it was outvoted, or now serves the hop itself). */
    void dropShadow() {
        if (shadow != null) {
            RemoteShardStage old = shadow;
            shadow = null;
            CompletableFuture.runAsync(old::closeQuietly);
        }
    }

    @Override
    public void close() {
        if (shadow != null) {
            shadow.closeQuietly();
            shadow = null;
        }
    }

    private CompletableFuture<Opinion> ask(RemoteShardStage session, HiddenStates rows, int from, int positions) {
        byte[] payload = codec.encode(rows, layers.start());
        int total = rows.positions();
        return session.forwardEncodedAsync(from, total, payload).thenApply(out -> {
            HiddenStates all = codec.decode(out, total, rows.width(), layers.end());
            int width = rows.width();
            float[] last = Arrays.copyOfRange(all.values(), (total - positions) * width, total * width);
            return new Opinion(session.peer(), new HiddenStates(positions, width, last));
        });
    }
}
