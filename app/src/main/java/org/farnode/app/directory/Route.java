package org.farnode.app.directory;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.shard.LayerRange;

/**
 * An ordered chain of nodes whose layer ranges cover {@code [0, blockCount)} exactly, each
 * starting where the previous one ends: the path a session's hidden states take.
 */
public record Route(List<NodeRecord> hops, int blockCount) {

    public Route {
        hops = List.copyOf(hops);
        LayerRange.requireChain(hops.stream().map(NodeRecord::layers).toList(), blockCount);
    }

    /**
     * A route through {@code nodes} covering every layer with the fewest hops (a breadth-first
     * search over layer boundaries, so a node that reaches far never hides a chain that works).
     *
     * @throws IllegalArgumentException naming the layers no chain of nodes reaches past
     */
    public static Route plan(List<NodeRecord> nodes, int blockCount) {
        NodeRecord[] arrivedBy = new NodeRecord[blockCount + 1];
        boolean[] reached = new boolean[blockCount + 1];
        reached[0] = true;
        java.util.ArrayDeque<Integer> frontier = new java.util.ArrayDeque<>(List.of(0));
        int furthest = 0;
        while (!frontier.isEmpty() && !reached[blockCount]) {
            int at = frontier.poll();
            for (NodeRecord node : nodes) {
                int end = node.layers().end();
                if (node.layers().start() == at && end <= blockCount && !reached[end]) {
                    reached[end] = true;
                    arrivedBy[end] = node;
                    furthest = Math.max(furthest, end);
                    frontier.add(end);
                }
            }
        }
        if (!reached[blockCount]) {
            throw new IllegalArgumentException("no chain of nodes covers the model's " + blockCount + " layers: none continues from layer "
                    + furthest + " (nodes serve: " + String.join(", ", nodes.stream().map(n -> n.layers().toString()).toList()) + ")");
        }
        List<NodeRecord> hops = new ArrayList<>();
        for (int at = blockCount; at > 0; at = arrivedBy[at].layers().start()) {
            hops.addFirst(arrivedBy[at]);
        }
        return new Route(hops, blockCount);
    }

    /** {@code n} contiguous ranges covering {@code [0, blockCount)}, sizes differing by at most one layer. */
    public static List<LayerRange> evenSplit(int blockCount, int n) {
        if (n < 1 || n > blockCount) {
            throw new IllegalArgumentException("cannot split " + blockCount + " layers among " + n
                    + " nodes: use 1 to " + blockCount + " nodes");
        }
        List<LayerRange> ranges = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            int size = blockCount / n + (i < blockCount % n ? 1 : 0);
            ranges.add(new LayerRange(start, start + size));
            start += size;
        }
        return ranges;
    }
}
