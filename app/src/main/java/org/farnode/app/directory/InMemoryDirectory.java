package org.farnode.app.directory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.farnode.app.protocol.ModelId;

/** A {@link Directory} held in this process: what the local swarm's gateway consults. */
public final class InMemoryDirectory implements Directory {
    private final Map<String, NodeRecord> byNodeId = new ConcurrentHashMap<>();

    @Override
    public void announce(NodeRecord record) {
        byNodeId.put(record.address().nodeId(), record);
    }

    @Override
    public void withdraw(String nodeId) {
        byNodeId.remove(nodeId);
    }

    @Override
    public List<NodeRecord> nodesServing(ModelId model) {
        return byNodeId.values().stream().filter(r -> r.model().equals(model)).toList();
    }
}
