package org.farnode.app.desktop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.farnode.app.node.NodeService;

/**
 * The operator's pause switch for this node, shared by the window and the tray: serve, pause, or
 * snooze (pause, then serve again by itself after a while). Pausing takes effect at once: the node
 * refuses every window from then on ({@link NodeService#pause}). Separately, the operator's rules
 * (schedule, idle-only, data cap) can hold a serving node ({@link #hold}); it serves again when
 * they let it, unless the operator paused it meanwhile.
 */
public final class NodeControl implements AutoCloseable {
    /** What the node is doing: serving, paused or snoozed by the operator, or held by the operator's rules. */
    public enum State { SERVING, PAUSED, SNOOZED, HELD }

    private final NodeService node;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "snooze-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    private State state = State.SERVING;
    private String holdReason;
    private Instant snoozedUntil;
    private ScheduledFuture<?> wakeUp;

    public NodeControl(NodeService node) {
        this(node, Clock.systemUTC());
    }

    NodeControl(NodeService node, Clock clock) {
        this.node = node;
        this.clock = clock;
    }

    /** Stops taking windows until {@link #resume}. */
    public void pause() {
        change(State.PAUSED, null);
    }

    /** Takes windows again (also ends a snooze early). */
    public void resume() {
        change(State.SERVING, null);
    }

    /** Pauses for {@code length}, then serves again by itself. */
    public void snooze(Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a snooze must last a positive time, got " + length);
        }
        change(State.SNOOZED, length);
    }

    private void change(State requested, Duration snooze) {
        State next = requested;
        synchronized (this) {
            if (wakeUp != null) {
                wakeUp.cancel(false);
                wakeUp = null;
            }
            if (next == State.SERVING && holdReason != null) {
                next = State.HELD;
            }
            if (next == State.SERVING) {
                node.resume();
            } else {
                node.pause();
            }
            snoozedUntil = snooze == null ? null : clock.instant().plus(snooze);
            if (snooze != null) {
                wakeUp = timer.schedule(this::resume, snooze.toMillis(), TimeUnit.MILLISECONDS);
            }
            state = next;
        }
        State told = next;
        listeners.forEach(listener -> listener.accept(told));
    }

    /**
     * The operator's rules say the node must not serve now, for {@code reason} (e.g. "outside the
     * weekly schedule"); null lets it serve again. The operator's own pause or snooze stays as it is.
     */
    public void hold(String reason) {
        State next;
        synchronized (this) {
            if (java.util.Objects.equals(reason, holdReason)) {
                return;
            }
            holdReason = reason;
            if (state == State.PAUSED || state == State.SNOOZED) {
                return; // the operator's pause wins; resume() will look at the hold
            }
            next = reason == null ? State.SERVING : State.HELD;
            if (next == State.SERVING) {
                node.resume();
            } else {
                node.pause();
            }
            state = next;
        }
        listeners.forEach(listener -> listener.accept(next));
    }

    /** Why the rules hold the node; null when they do not. */
    public synchronized String holdReason() {
        return holdReason;
    }

    public synchronized State state() {
        return state;
    }

    /** When a snooze ends; null unless snoozed. */
    public synchronized Instant snoozedUntil() {
        return snoozedUntil;
    }

    /** Hears every change, on the thread that made it (the snooze timer's for a snooze's end). */
    public void addListener(Consumer<State> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
