package org.farnode.app.gateway;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * One hop of the route that outlives its node, and does not take its word for everything.
 *
 * <p><b>Failover.</b> When the node is gone (its connection drops, a request fails without an
 * error reply from it, it says it is leaving, or it stalls: no answer within the deadline its own
 * measured speed sets, see {@link StallPolicy}), the stage opens a session on another node serving the same layers,
 * replays every window the session still holds, in order, and takes the new node's answers for the
 * windows not yet answered. The new node's cache then holds what the lost one held, computed from
 * the same bytes in the same windows, so generation goes on with the same tokens. When the node is
 * there but has wiped the session ({@code SESSION_EXPIRED}: idle too long, or evicted to make room
 * for another session), the stage does the same in a new session on that node first, and on the
 * other nodes if it refuses.
 *
 * <p><b>Verification.</b> A share of the windows ({@link VerificationPolicy}) is also computed by a
 * second node ({@link HopVerifier}); the window's result is released only when both agree within
 * the codec's tolerance. When they disagree, a third node settles it: the odd one out is banned
 * ({@link PeerBans}) and, if it was this hop's node, the hop fails over to the node that was right
 * and its answers replace the bad node's for every window not yet released. Windows not checked are
 * released as the node answers them: with a fraction below 1, what a bad node returned before its
 * first checked window is used as it came (docs/reliability.md measures how soon it is caught).
 *
 * <p>Results are released in the order the windows were sent. The windows kept for replay are the
 * session's inputs to this hop (the payload bytes as sent), dropped when their positions are
 * forgotten: at most the context length's worth of this hop's input. Replies are handled on
 * virtual threads, never on a connection's own thread, which a failover may be waiting on.
 */
public final class FailoverStage implements EncodedStage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FailoverStage.class);
    private static final Executor CALLBACKS = Executors.newVirtualThreadPerTaskExecutor();
    /** Stall deadlines; one is cancelled (and dropped from the queue) as soon as its window is answered. */
    private static final ScheduledThreadPoolExecutor TIMERS = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "hop-stall-watch");
        thread.setDaemon(true);
        return thread;
    });

    static {
        TIMERS.setRemoveOnCancelPolicy(true);
    }

    /** A window sent to this hop, kept while the node holds its positions. */
    private static final class Window {
        final int start;
        final int positions;
        final byte[] input;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        long sentNanos;
        /** The stall deadline of the last send, if one was set. */
        ScheduledFuture<?> stallTimer;
        /** The output of the node serving the hop now; null until it answers. */
        byte[] answer;
        Check check;
        boolean released;

        Window(int start, int positions, byte[] input) {
            this.start = start;
            this.positions = positions;
            this.input = input;
        }

        int end() {
            return start + positions;
        }
    }

    /** A checked window's second (and maybe third) opinion. */
    private static final class Check {
        HopVerifier.Opinion second;
        boolean secondFailed;
        boolean askingThird;
        boolean settled;
    }

    /**
     * How many windows this hop checked, how many of those disagreed, how many nodes were outvoted
     * and banned, and the largest relative difference among the results that agreed.
     */
    public record CheckCounts(int checked, int disagreed, int banned, double largestAgreedDifference) {
    }

    private final LayerRange layers;
    private final HiddenStateCodec codec;
    private final HopPolicy policy;
    /** Every node serving these layers that the route holds a connection to: the one picked first. */
    private final List<PeerClient> peers;
    /** Guarded by this, as are the fields after it. */
    private final Set<PeerClient> abandoned = new HashSet<>();
    private final List<Window> history = new ArrayList<>();
    private final List<RemoteShardStage> lost = new ArrayList<>();
    private final StallWatch stallWatch;
    private final HopVerifier verifier;
    /** Results to complete once the lock is let go, so that what they set off never runs under it. */
    private final List<Runnable> completions = new ArrayList<>();
    private RemoteShardStage current;
    /** Positions the current node holds, as far as the gateway has told it. */
    private int cached;
    private int checked;
    private int disagreed;
    private int banned;
    private double largestAgreedDifference;
    private boolean warnedNoSpareForStall;

    /** {@code first}'s session, with {@code spares} to take over, under the {@linkplain HopPolicy#standard standard policy}. */
    public FailoverStage(RemoteShardStage first, List<PeerClient> spares) {
        this(first, spares, HopPolicy.standard());
    }

    /**
     * {@code first}'s session, with {@code spares} (connected peers serving the same layers, tried
     * in order) to take over when its node is gone and to check its work, under {@code policy}.
     */
    public FailoverStage(RemoteShardStage first, List<PeerClient> spares, HopPolicy policy) {
        for (PeerClient spare : spares) {
            if (!spare.layers().equals(first.layers())) {
                throw new IllegalArgumentException("spare " + spare.describe() + " serves " + spare.layers()
                        + ", not " + first.layers());
            }
        }
        this.layers = first.layers();
        this.codec = first.codec();
        this.policy = policy;
        this.current = first;
        List<PeerClient> all = new ArrayList<>();
        all.add(first.peer());
        all.addAll(spares);
        this.peers = List.copyOf(all);
        this.stallWatch = new StallWatch(policy.stall());
        this.verifier = new HopVerifier(layers, codec, policy.verification());
    }

    @Override
    public LayerRange layers() {
        return layers;
    }

    /** The session that serves the hop now. */
    public synchronized RemoteShardStage current() {
        return current;
    }

    /** The sessions whose nodes were lost, stalled or outvoted, oldest first. */
    public synchronized List<RemoteShardStage> lost() {
        return List.copyOf(lost);
    }

    /** The other nodes of the hop that may still take it over or check it, in the order they would be asked. */
    public synchronized List<PeerClient> spares() {
        return peers.stream().filter(p -> p != current.peer() && usable(p)).toList();
    }

    /** What verification found on this hop so far. */
    public synchronized CheckCounts checks() {
        return new CheckCounts(checked, disagreed, banned, largestAgreedDifference);
    }

    /** The session's codec: what its windows travel in (the same on every node of the hop). */
    @Override
    public HiddenStateCodec codec() {
        return codec;
    }

    /** {@code window} in this session's codec at this hop's first layer. */
    @Override
    public byte[] encode(HiddenStates window) {
        return codec.encode(window, layers.start());
    }

    /** A payload this hop returned: hidden states after its last layer. */
    @Override
    public HiddenStates decode(byte[] payload, int windowPositions, int width) {
        return codec.decode(payload, windowPositions, width, layers.end());
    }

    /** As {@link RemoteShardStage#forwardEncodedAsync}, sent again to another node when this one is lost, and checked where the policy says. */
    @Override
    public CompletableFuture<byte[]> forwardEncodedAsync(int startPosition, int windowPositions, byte[] payload) {
        Window window = new Window(startPosition, windowPositions, payload);
        synchronized (this) {
            forget(startPosition); // as the node does: a window that starts before the cached end drops what follows
            cached = window.end();
            history.add(window);
            send(window, current);
            if (verifier.selectsNext()) {
                startCheck(window);
            }
        }
        runCompletions();
        return window.result;
    }

    @Override
    public synchronized void forgetBeforeNextWindow(int length) {
        forget(length);
        current.forgetBeforeNextWindow(length);
    }

    @Override
    public void truncate(int length) {
        synchronized (this) {
            forget(length);
            try {
                current.truncate(length);
            } catch (PeerException e) {
                if (!recoverable(e) || !failOver(e, null)) { // the replay ends with the new node truncated to the same length
                    throw e;
                }
            }
        }
        runCompletions();
    }

    /** Ends the session on the node that serves the hop now, and the checking session; lost nodes wiped theirs when their connection dropped. */
    @Override
    public synchronized void close() {
        verifier.close();
        current.close();
    }

    /** Called under the lock: sends {@code window} to {@code stage}, watching for a stall where the node's speed is known. */
    private void send(Window window, RemoteShardStage stage) {
        window.sentNanos = System.nanoTime();
        stage.forwardEncodedAsync(window.start, window.positions, window.input)
                .whenCompleteAsync((payload, error) -> answered(window, stage, payload, error), CALLBACKS);
        stallWatch.deadlineNanos(window.positions).ifPresent(deadline -> window.stallTimer = TIMERS.schedule(
                () -> CALLBACKS.execute(() -> stallCheck(window, stage, deadline)), deadline, TimeUnit.NANOSECONDS));
    }

    private void answered(Window window, RemoteShardStage stage, byte[] payload, Throwable error) {
        synchronized (this) {
            if (stage != current || window.answer != null || !history.contains(window)) {
                return; // answered already by the node that took over
            }
            if (window.stallTimer != null) {
                window.stallTimer.cancel(false);
            }
            if (error != null && recoverable(error)) {
                failOver(error, null);
            } else if (error != null) {
                history.remove(window); // refused: the node did not take the window
                window.released = true;
                completions.add(() -> window.result.completeExceptionally(error));
            } else {
                stallWatch.answered(window.positions, System.nanoTime() - window.sentNanos);
                window.answer = payload;
                release();
            }
        }
        runCompletions();
    }

    private void stallCheck(Window window, RemoteShardStage stage, long deadlineNanos) {
        synchronized (this) {
            if (stage != current || window.answer != null || !history.contains(window)) {
                return;
            }
            if (firstUsable(current.peer(), null) == null) {
                if (!warnedNoSpareForStall) {
                    warnedNoSpareForStall = true;
                    LOG.warn("{} has not answered in {} ms and no other node serves its layers; still waiting",
                            stage.peer().describe(), deadlineNanos / 1_000_000);
                }
                return;
            }
            failOver(new PeerException(stage.peer().describe() + " stalled: no answer to a window of " + window.positions
                    + " positions in " + deadlineNanos / 1_000_000 + " ms, " + policy.stall().factor()
                    + " times what its measured " + String.format("%.2f", stallWatch.millisPerPosition())
                    + " ms per position predicts", (ErrorCode) null), null);
        }
        runCompletions();
    }

    /** Called under the lock: asks a second node for {@code window}; without one the window goes unchecked. */
    private void startCheck(Window window) {
        List<PeerClient> candidates = peers.stream().filter(p -> p != current.peer() && usable(p)).toList();
        var opinion = verifier.second(candidates, this::inputRows, window.start, window.positions);
        if (opinion == null) {
            return;
        }
        Check check = new Check();
        window.check = check;
        opinion.whenCompleteAsync((second, error) -> secondArrived(window, check, second, error), CALLBACKS);
    }

    private void secondArrived(Window window, Check check, HopVerifier.Opinion second, Throwable error) {
        synchronized (this) {
            if (error != null) {
                check.secondFailed = true;
                verifier.dropShadow();
                LOG.warn("layers {}: the checking node failed, window [{}, {}) goes unchecked: {}", layers, window.start,
                        window.end(), unwrap(error).getMessage());
            } else {
                check.second = second;
            }
            if (history.contains(window)) {
                release();
            }
        }
        runCompletions();
    }

    /**
     * Called under the lock: releases, in order, the results of windows answered (and, where checked,
     * agreed on); stops at the first that is not ready.
     */
    private void release() {
        for (int i = 0; i < history.size(); i++) {
            Window window = history.get(i);
            if (window.released) {
                continue;
            }
            if (window.answer == null) {
                return;
            }
            if (window.check != null && !window.check.settled && !settle(window)) {
                return;
            }
            if (window.released) {
                return; // settling failed it (and what follows it waits for the caller's error)
            }
            window.released = true;
            byte[] result = window.answer;
            completions.add(() -> window.result.complete(result));
        }
    }

    /** Called under the lock: compares a checked window's two results; true when it may be released now. */
    private boolean settle(Window window) {
        Check check = window.check;
        if (check.askingThird || (check.second == null && !check.secondFailed)) {
            return false;
        }
        if (check.secondFailed) {
            check.settled = true;
            return true;
        }
        int width = policy.verification().width();
        double difference = ResultComparison.relativeDifference(decode(window.answer, window.positions, width),
                check.second.output());
        checked++;
        if (difference <= policy.verification().tolerance()) {
            largestAgreedDifference = Math.max(largestAgreedDifference, difference);
            check.settled = true;
            return true;
        }
        disagreed++;
        PeerClient primary = current.peer();
        PeerClient third = firstUsable(primary, check.second.node());
        String disagreement = "layers " + layers + ": " + primary.describe() + " and " + check.second.node().describe()
                + " disagree on positions [" + window.start + ", " + window.end() + ") (relative difference "
                + String.format("%.3g", difference) + ", tolerance " + policy.verification().tolerance() + ")";
        if (third == null) {
            fail(window, new PeerException(disagreement + ", and no third node serves these layers to tell which is wrong",
                    ErrorCode.INTERNAL));
            return false;
        }
        LOG.warn("{}; asking {}", disagreement, third.describe());
        check.askingThird = true;
        verifier.third(third, this::inputRows, window.start, window.positions)
                .whenCompleteAsync((opinion, error) -> thirdArrived(window, check, opinion, error), CALLBACKS);
        return false;
    }

    private void thirdArrived(Window window, Check check, HopVerifier.Opinion third, Throwable error) {
        synchronized (this) {
            check.askingThird = false;
            if (window.released || !history.contains(window)) {
                return;
            }
            if (error != null) {
                fail(window, new PeerException("layers " + layers + ": two nodes disagree and the third asked failed: "
                        + unwrap(error).getMessage(), ErrorCode.INTERNAL));
            } else {
                judge(window, check, third);
            }
        }
        runCompletions();
    }

    /** Called under the lock: the third opinion decides which of the first two is wrong. */
    private void judge(Window window, Check check, HopVerifier.Opinion third) {
        VerificationPolicy verification = policy.verification();
        HiddenStates primaryOutput = decode(window.answer, window.positions, verification.width());
        double primaryOff = ResultComparison.relativeDifference(primaryOutput, third.output());
        double secondOff = ResultComparison.relativeDifference(check.second.output(), third.output());
        double tolerance = verification.tolerance();
        String where = "layers " + layers + " positions [" + window.start + ", " + window.end() + ")";
        if (secondOff <= tolerance && primaryOff > tolerance) {
            PeerClient bad = current.peer();
            ban(bad, where, primaryOff, check.second.node(), third.node());
            check.settled = true;
            failOver(new PeerException(bad.describe() + " was outvoted on " + where, (ErrorCode) null), check.second.node());
        } else if (primaryOff <= tolerance && secondOff > tolerance) {
            ban(check.second.node(), where, secondOff, current.peer(), third.node());
            verifier.dropShadow();
            check.settled = true;
            release();
        } else {
            fail(window, new PeerException("three nodes gave " + where + " results that do not agree (relative differences "
                    + String.format("%.3g and %.3g", primaryOff, secondOff) + " from the third); cannot tell which is right",
                    ErrorCode.INTERNAL));
        }
    }

    private void ban(PeerClient bad, String where, double off, PeerClient first, PeerClient second) {
        banned++;
        String reason = "its result for " + where + " differed from those of " + first.describe() + " and "
                + second.describe() + ", which agree (relative difference " + String.format("%.3g", off) + ")";
        policy.bans().ban(bad.address().nodeId(), policy.verification().banFor(), reason);
        LOG.warn("banned {} for {} min: {}", bad.describe(), policy.verification().banFor().toMinutes(), reason);
    }

    /** Called under the lock: {@code window} and every later one not yet released fail with {@code failure}. */
    private void fail(Window window, PeerException failure) {
        for (int i = history.indexOf(window); i >= 0 && i < history.size(); i++) {
            Window failed = history.get(i);
            if (!failed.released) {
                failed.released = true;
                completions.add(() -> failed.result.completeExceptionally(failure));
            }
        }
    }

    /**
     * Called under the lock when the current node is gone (or was outvoted): moves the session to
     * {@code preferred} if it may be used, else to the first other node that takes it, replays every
     * window the session holds, and takes the new node's answers for those not yet released. With
     * no node left, fails them and returns false.
     */
    private boolean failOver(Throwable cause, PeerClient preferred) {
        PeerClient sameNode = current.peer();
        boolean sameNodeFirst = wiped(cause) && usable(sameNode);
        abandoned.add(sameNode);
        if (verifier.shadowNode() == preferred) {
            verifier.dropShadow(); // it serves the hop now: another node checks it
        }
        while (true) {
            PeerClient next = sameNodeFirst ? sameNode
                    : preferred != null && usable(preferred) ? preferred : firstUsable(null, null);
            sameNodeFirst = false;
            preferred = null;
            if (next == null) {
                PeerException failure = new PeerException("layers " + layers + " are lost and no spare peer is left: "
                        + unwrap(cause).getMessage(), unwrap(cause));
                history.stream().filter(w -> !w.released).findFirst().ifPresent(first -> fail(first, failure));
                return false;
            }
            try {
                RemoteShardStage taking = next.openSession(codec);
                replay(taking);
                if (next == sameNode) {
                    abandoned.remove(sameNode);
                    LOG.warn("{} wiped the session: {}; continuing in a new session on the same node after replaying {} windows",
                            next.describe(), unwrap(cause).getMessage(), history.size());
                } else {
                    LOG.warn("left {}: {}; continuing on {} after replaying {} windows", sameNode.describe(),
                            unwrap(cause).getMessage(), next.describe(), history.size());
                }
                lost.add(current);
                RemoteShardStage old = current;
                current = taking;
                if (verifier.shadowNode() == next) {
                    verifier.dropShadow();
                }
                CompletableFuture.runAsync(old::closeQuietly, CALLBACKS); // a stalled node still holds the session
                release();
                return true;
            } catch (RuntimeException e) {
                abandoned.add(next); // gone too, or refused the session: try the next
                LOG.warn("{} could not take over layers {}: {}", next.describe(), layers, unwrap(e).getMessage());
                cause = e;
            }
        }
    }

    /**
     * Sends {@code next} every window the session holds, in order, takes its answers for the windows
     * not yet released, and truncates it to what the lost node kept.
     */
    private void replay(RemoteShardStage next) {
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (Window w : history) {
            replies.add(next.forwardEncodedAsync(w.start, w.positions, w.input));
        }
        for (int i = 0; i < history.size(); i++) {
            byte[] answer = Windows.await(replies.get(i));
            Window w = history.get(i);
            if (!w.released) {
                w.answer = answer;
            }
        }
        int end = history.isEmpty() ? 0 : history.getLast().end();
        if (end > cached) {
            next.truncate(cached);
        }
    }

    /** Called under the lock: the node forgets positions from {@code length} on, and so do the kept windows and the checker. */
    private void forget(int length) {
        history.removeIf(w -> w.released && w.start >= length);
        cached = Math.min(cached, length);
        verifier.forget(length);
    }

    /** Called under the lock: the inputs of positions {@code [from, to)}, from the kept windows (later windows overwrite earlier ones). */
    private HiddenStates inputRows(int from, int to) {
        int width = policy.verification().width();
        float[] rows = new float[(to - from) * width];
        for (Window w : history) {
            int lo = Math.max(from, w.start);
            int hi = Math.min(to, w.end());
            if (lo >= hi) {
                continue;
            }
            HiddenStates input = codec.decode(w.input, w.positions, width, layers.start());
            System.arraycopy(input.values(), (lo - w.start) * width, rows, (lo - from) * width, (hi - lo) * width);
        }
        return new HiddenStates(to - from, width, rows);
    }

    /** The first node of the hop that is not {@code except} or {@code alsoExcept}, not given up on and not banned. */
    private PeerClient firstUsable(PeerClient except, PeerClient alsoExcept) {
        for (PeerClient peer : peers) {
            if (peer != except && peer != alsoExcept && peer != current.peer() && usable(peer)) {
                return peer;
            }
        }
        return null;
    }

    private boolean usable(PeerClient peer) {
        return !abandoned.contains(peer) && !policy.bans().isBanned(peer.address().nodeId());
    }

    private void runCompletions() {
        List<Runnable> ready;
        synchronized (this) {
            if (completions.isEmpty()) {
                return;
            }
            ready = List.copyOf(completions);
            completions.clear();
        }
        ready.forEach(Runnable::run);
    }

    /** Whether the hop can go on after {@code error}, in a new session: the node is gone, or it wiped the session. */
    private static boolean recoverable(Throwable error) {
        return gone(error) || wiped(error);
    }

    /**
     * Whether {@code error} says the node is gone: no error reply from it (a lost connection, no
     * answer in time, a reply that makes no sense), or its word that it is leaving.
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
