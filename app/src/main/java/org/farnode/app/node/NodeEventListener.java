package org.farnode.app.node;

/**
 * Hears a node's {@link NodeEvent}s. Called synchronously on the thread where the event happens,
 * which may be the node's compute thread or one of its network threads: an implementation must be
 * quick (hand the event to a queue, not to a disk or a screen) and thread-safe. An exception it
 * throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface NodeEventListener {
    void onEvent(NodeEvent event);
}
