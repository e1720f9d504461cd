package org.farnode.app.desktop;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.directory.Route;
import org.farnode.app.shard.LayerRange;

/**
 * How the embedded swarm divides a model's layers: this node's range (the operator's choice, or
 * an even share when automatic) and the local peers that serve every layer before and after it,
 * so that a route through the swarm always covers the whole model.
 *
 * @param thisNode layers this node serves
 * @param peers    layers each local peer serves, in layer order
 */
public record SwarmLayout(LayerRange thisNode, List<LayerRange> peers) {
    /** Nodes of an automatic layout: this one and two local peers, where the model has that many layers. */
    public static final int AUTOMATIC_NODES = 3;

    public SwarmLayout {
        peers = List.copyOf(peers);
    }

    /**
     * The layout for {@code layers} ({@code auto} or {@code a:b}) of a model with {@code blockCount}
     * layers; one local peer on each side of this node's range that does not reach the model's end.
     */
    public static SwarmLayout of(String layers, int blockCount) {
        if (layers == null || layers.isBlank() || layers.equals("auto")) {
            List<LayerRange> split = Route.evenSplit(blockCount, Math.min(AUTOMATIC_NODES, blockCount));
            return new SwarmLayout(split.getFirst(), split.subList(1, split.size()));
        }
        LayerRange mine = LayerRange.parse(layers, blockCount);
        List<LayerRange> peers = new ArrayList<>();
        if (mine.start() > 0) {
            peers.add(new LayerRange(0, mine.start()));
        }
        if (mine.end() < blockCount) {
            peers.add(new LayerRange(mine.end(), blockCount));
        }
        return new SwarmLayout(mine, peers);
    }

    /** Every range, in layer order: the route a gateway takes through the swarm. */
    public List<LayerRange> inLayerOrder() {
        List<LayerRange> all = new ArrayList<>(peers);
        all.add(thisNode);
        all.sort(java.util.Comparator.comparingInt(LayerRange::start));
        return all;
    }
}
