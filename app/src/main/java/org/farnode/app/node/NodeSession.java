package org.farnode.app.node;

import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.shard.ShardSession;

/** One gateway session on this node: its shard session (KV cache), codec, traffic and last use. */
final class NodeSession {
    final long id;
    final HiddenStateCodec codec;
    final ShardSession shard;
    final TrafficCounters traffic = new TrafficCounters();
    long lastUsedNanos;
    /**
     * Positions reserved from the node's {@link KvBudget}: the shard's cached length, and while a
     * window is computed chunk by chunk, also the positions of the window not computed yet (a
     * window takes its room before its first chunk, so it never runs out half-way).
     */
    int reservedPositions;

    NodeSession(long id, HiddenStateCodec codec, ShardSession shard, long nowNanos) {
        this.id = id;
        this.codec = codec;
        this.shard = shard;
        this.lastUsedNanos = nowNanos;
    }
}
