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
 * refuses every window from then on ({@link NodeService#pause}).
 */
public final class NodeControl implements AutoCloseable {
    /** What the node is doing, as the operator set it. */
    public enum State { SERVING, PAUSED, SNOOZED }

    private final NodeService node;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "snooze-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    private State state = State.SERVING;
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

    private void change(State next, Duration snooze) {
        synchronized (this) {
            if (wakeUp != null) {
                wakeUp.cancel(false);
                wakeUp = null;
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
        listeners.forEach(listener -> listener.accept(next));
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
