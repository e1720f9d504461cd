package org.farnode.app.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests waiting for a node's compute thread, one queue per session, served round robin:
 * a turn runs one step of the request at the head of the session first in line, and that session
 * then goes to the back of the line if it has more. A step is a whole request, except for a long
 * window, which takes one turn per chunk ({@link NodeSettings#positionsPerTurn}). So a long prompt,
 * or many windows queued by one session, holds up another session's decode step by at most one
 * step of each session ahead of it in line, not by all of its work. A session's own requests stay
 * in the order they came, which is what lets the gateway match its replies to its requests.
 *
 * <p>What a connection sends outside its sessions (its Hello, a broken frame) queues as that
 * connection's session 0. The Hello comes first on a connection, so its queue joins the line
 * before the queue of any session the handshake lets the gateway open: the handshake is served
 * first.
 *
 * <p>Requests are added on the network threads; turns run on the compute thread only.
 */
final class SessionScheduler {

    /** Work for one session that may take several turns. */
    @FunctionalInterface
    interface Request {
        /** Runs one turn: true when the request is done, false when it needs another turn. */
        boolean runTurn();

        /** Drops the request unfinished, because its connection is gone; wipes what it holds. */
        default void abandon() {
        }
    }

    private record Key(NodeConnection connection, long sessionId) {
    }

    private static final class SessionQueue {
        final Key key;
        final ArrayDeque<Request> requests = new ArrayDeque<>();

        SessionQueue(Key key) {
            this.key = key;
        }
    }

    private final Object lock = new Object();
    /** Every session with requests, guarded by the lock as are the fields after it. */
    private final Map<Key, SessionQueue> queues = new HashMap<>();
    /**
     * The sessions waiting for their turn, next first. The session whose turn is running is in
     * none of these places but {@link #queues}: its request stays at the head of its queue until done.
     */
    private final ArrayDeque<SessionQueue> line = new ArrayDeque<>();
    private int waiting;

    /** Queues {@code request} behind the requests of its session; a session with none joins the back of the line. */
    void add(NodeConnection connection, long sessionId, Request request) {
        synchronized (lock) {
            SessionQueue queue = queues.computeIfAbsent(new Key(connection, sessionId), SessionQueue::new);
            queue.requests.add(request);
            if (queue.requests.size() == 1) { // a session in its turn still holds its head, so it is never added twice
                line.add(queue);
            }
            waiting++;
        }
    }

    /**
     * On the compute thread: runs one turn of the session first in line. Returns whether its
     * request needs another turn (it is back in line then); false also when no session waits.
     */
    boolean runOneTurn() {
        SessionQueue queue;
        Request request;
        synchronized (lock) {
            queue = line.poll();
            if (queue == null) {
                return false;
            }
            request = queue.requests.peek();
        }
        boolean done = true; // a request that throws is dropped, so the line goes on
        try {
            done = request.runTurn();
        } finally {
            synchronized (lock) {
                if (done) {
                    queue.requests.poll();
                    waiting--;
                }
                if (queue.requests.isEmpty()) {
                    queues.remove(queue.key);
                } else {
                    line.add(queue);
                }
            }
        }
        return !done;
    }

    /** On the compute thread, between turns: takes every request of {@code connection} out of line and returns them. */
    List<Request> removeAll(NodeConnection connection) {
        List<Request> removed = new ArrayList<>();
        synchronized (lock) {
            var iterator = queues.values().iterator();
            while (iterator.hasNext()) {
                SessionQueue queue = iterator.next();
                if (queue.key.connection() == connection) {
                    removed.addAll(queue.requests);
                    line.remove(queue);
                    iterator.remove();
                }
            }
            waiting -= removed.size();
        }
        return removed;
    }

    /** Whether the session has a request waiting or in its turn. */
    boolean hasWork(NodeConnection connection, long sessionId) {
        synchronized (lock) {
            return queues.containsKey(new Key(connection, sessionId));
        }
    }

    /** Requests waiting or in their turn, all sessions together. */
    int waiting() {
        synchronized (lock) {
            return waiting;
        }
    }
}
