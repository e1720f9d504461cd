package org.farnode.app.directory;

import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;

/** A directory entry: this node, at this address, serves these layers of this model. */
public record NodeRecord(PeerAddress address, ModelId model, LayerRange layers) {
}
