package org.farnode.app.directory;

import java.util.List;
import org.farnode.app.protocol.ModelId;

/**
 * Which nodes serve which layers of which model. The local swarm uses {@link InMemoryDirectory};
 * a network-wide directory implements the same three operations.
 */
public interface Directory {

    /** Adds or replaces the entry of {@code record}'s node. */
    void announce(NodeRecord record);

    /** Removes the node's entry, if any. */
    void withdraw(String nodeId);

    /** Every node that serves some layers of {@code model}, in no particular order. */
    List<NodeRecord> nodesServing(ModelId model);
}
