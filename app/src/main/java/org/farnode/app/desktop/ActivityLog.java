package org.farnode.app.desktop;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The notable events an operator sees in the app's log view (peers joining and leaving, errors
 * with their cause, pauses), newest last. Bounded, so a node that runs for months keeps only
 * the latest {@link #CAPACITY}; thread-safe, since events come from node, network and UI threads.
 */
public final class ActivityLog {
    public static final int CAPACITY = 2_000;

    /** One event: when, what sort (a short word such as "peer", "error", "pause"), and what happened. */
    public record Entry(Instant time, String kind, String message) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();

    public void add(String kind, String message) {
        add(new Entry(Instant.now(), kind, message));
    }

    public void add(Entry entry) {
        synchronized (entries) {
            if (entries.size() == CAPACITY) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
        listeners.forEach(listener -> listener.accept(entry));
    }

    /** Every entry kept, oldest first. */
    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** Hears each new entry on the thread that added it. */
    public void addListener(Consumer<Entry> listener) {
        listeners.add(listener);
    }
}
