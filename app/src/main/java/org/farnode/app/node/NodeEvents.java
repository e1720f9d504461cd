package org.farnode.app.node;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node's event listeners, and the one place events are handed to them. */
final class NodeEvents {
    private static final Logger LOG = LoggerFactory.getLogger(NodeEvents.class);
    /** Copy-on-write: listeners change rarely, events come from several threads and must not wait for each other. */
    private final List<NodeEventListener> listeners = new CopyOnWriteArrayList<>();

    void add(NodeEventListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        listeners.add(listener);
    }

    void remove(NodeEventListener listener) {
        listeners.remove(listener);
    }

    /** Tells every listener, in the order they were added; one that throws does not stop the others or the node. */
    void emit(NodeEvent.Kind kind, String message) {
        if (listeners.isEmpty()) {
            return;
        }
        NodeEvent event = new NodeEvent(Instant.now(), kind, message);
        for (NodeEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (Exception e) {
                LOG.warn("node event listener {} failed on {}", listener, event, e);
            }
        }
    }
}
