package org.farnode.app.directory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import org.farnode.app.shard.LayerRange;

/**
 * An ordered chain of nodes whose layer ranges cover {@code layers} exactly, each starting where
 * the previous one ends: the path a session's hidden states take. {@code layers} is every layer
 * of the model, or {@code [m, blockCount)} when the gateway runs the first {@code m} itself.
 */
public record Route(List<NodeRecord> hops, LayerRange layers) {

    public Route {
        hops = List.copyOf(hops);
        LayerRange.requireChain(hops.stream().map(NodeRecord::layers).toList(), layers);
    }

    /**
     * A route through {@code nodes} covering {@code layers} with the fewest hops (a breadth-first
     * search over layer boundaries, so a node that reaches far never hides a chain that works).
     * Where several nodes serve the same range, {@code choice} picks one of them, each with the
     * same chance (and one of several equally short chains): with a {@link java.security.SecureRandom},
     * which of the equivalent nodes sees a session cannot be predicted, and each sees only its
     * share of the sessions rather than all of them.
     *
     * @throws IllegalArgumentException naming the layers no chain of nodes reaches past
     */
    public static Route plan(List<NodeRecord> nodes, LayerRange layers, RandomGenerator choice) {
        // Visiting the nodes in a random order makes the first to reach a boundary, the one the route keeps, a random one.
        List<NodeRecord> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, choice);
        int start = layers.start();
        int end = layers.end();
        NodeRecord[] arrivedBy = new NodeRecord[end + 1];
        boolean[] reached = new boolean[end + 1];
        reached[start] = true;
        ArrayDeque<Integer> frontier = new ArrayDeque<>(List.of(start));
        int furthest = start;
        while (!frontier.isEmpty() && !reached[end]) {
            int at = frontier.poll();
            for (NodeRecord node : shuffled) {
                int nodeEnd = node.layers().end();
                if (node.layers().start() == at && nodeEnd <= end && !reached[nodeEnd]) {
                    reached[nodeEnd] = true;
                    arrivedBy[nodeEnd] = node;
                    furthest = Math.max(furthest, nodeEnd);
                    frontier.add(nodeEnd);
                }
            }
        }
        if (!reached[end]) {
            String wanted = start == 0 ? "the model's " + end + " layers" : "layers " + layers;
            throw new IllegalArgumentException("no chain of nodes covers " + wanted + ": none continues from layer "
                    + furthest + " (nodes serve: " + String.join(", ", nodes.stream().map(n -> n.layers().toString()).toList()) + ")");
        }
        List<NodeRecord> hops = new ArrayList<>();
        for (int at = end; at > start; at = arrivedBy[at].layers().start()) {
            hops.addFirst(arrivedBy[at]);
        }
        return new Route(hops, layers);
    }

    /** {@code n} contiguous ranges covering {@code [0, blockCount)}, sizes differing by at most one layer. */
    public static List<LayerRange> evenSplit(int blockCount, int n) {
        return evenSplit(LayerRange.all(blockCount), n);
    }

    /** {@code n} contiguous ranges covering {@code layers}, sizes differing by at most one layer. */
    public static List<LayerRange> evenSplit(LayerRange layers, int n) {
        int count = layers.size();
        if (n < 1 || n > count) {
            throw new IllegalArgumentException("cannot split " + count + " layers" + (layers.start() == 0 ? "" : " " + layers)
                    + " among " + n + " nodes: use 1 to " + count + " nodes");
        }
        List<LayerRange> ranges = new ArrayList<>();
        int start = layers.start();
        for (int i = 0; i < n; i++) {
            int size = count / n + (i < count % n ? 1 : 0);
            ranges.add(new LayerRange(start, start + size));
            start += size;
        }
        return ranges;
    }
}
