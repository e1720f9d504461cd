package org.farnode.app.node;

/** Receives every plaintext byte a node's connections receive, for audits of what a node learns. */
@FunctionalInterface
public interface InboundAudit {
    /** {@code bytes} arrived on the connection numbered {@code connection} (numbered from 1 in order of arrival). */
    void received(int connection, byte[] bytes);
}
