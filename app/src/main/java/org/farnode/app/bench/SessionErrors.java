package org.farnode.app.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The failures of a load test: how many, and each distinct message with how often it came, in
 * the order first seen. Only the first {@link #DISTINCT_KEPT} distinct messages are kept, so a
 * run that fails differently every time cannot fill the memory being measured.
 */
public final class SessionErrors {
    public static final int DISTINCT_KEPT = 20;

    private final Map<String, Long> countByMessage = new LinkedHashMap<>();
    private long count;

    /** Counts {@code failure}, described by its type and message and those of its causes. */
    public synchronized void add(Throwable failure) {
        add(describe(failure));
    }

    /** Counts a failure described by {@code message}. */
    public synchronized void add(String message) {
        count++;
        if (countByMessage.containsKey(message) || countByMessage.size() < DISTINCT_KEPT) {
            countByMessage.merge(message, 1L, Long::sum);
        }
    }

    public synchronized long count() {
        return count;
    }

    /** The distinct messages kept, in the order first seen, each with its count. */
    public synchronized Map<String, Long> countByMessage() {
        return new LinkedHashMap<>(countByMessage);
    }

    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }
}
