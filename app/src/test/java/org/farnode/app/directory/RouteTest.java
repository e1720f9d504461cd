package org.farnode.app.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.junit.jupiter.api.Test;

/** Route planning over directory entries: coverage, fewest hops, the layers it starts from, and the choice among equivalent nodes. */
class RouteTest {
    private static final ModelId MODEL = new ModelId(new byte[32]);

    private static NodeRecord node(int number, int start, int end) {
        String id = String.format("%064x", number);
        return new NodeRecord(new PeerAddress("127.0.0.1", 7000 + number, id), MODEL, new LayerRange(start, end));
    }

    @Test
    void aRouteCoversEveryLayerWithTheFewestHops() {
        List<NodeRecord> nodes = List.of(node(1, 0, 2), node(2, 2, 3), node(3, 3, 5), node(4, 2, 5), node(5, 1, 5));
        Route route = Route.plan(nodes, LayerRange.all(5), new SecureRandom());
        assertThat(route.hops()).containsExactly(node(1, 0, 2), node(4, 2, 5));
    }

    @Test
    void aRouteFromALaterLayerLeavesTheFirstLayersOut() {
        List<NodeRecord> nodes = List.of(node(1, 0, 2), node(2, 2, 4), node(3, 4, 5), node(4, 0, 5));
        Route route = Route.plan(nodes, new LayerRange(2, 5), new SecureRandom());
        assertThat(route.hops()).containsExactly(node(2, 2, 4), node(3, 4, 5));
        assertThat(route.layers()).isEqualTo(new LayerRange(2, 5));
        assertThatThrownBy(() -> Route.plan(List.of(node(1, 0, 2), node(4, 0, 5)), new LayerRange(2, 5), new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no chain of nodes covers layers [2, 5): none continues from layer 2 (nodes serve: [0, 2), [0, 5))");
    }

    @Test
    void aRouteThatDoesNotStartWhereItMustIsRefused() {
        assertThatThrownBy(() -> new Route(List.of(node(1, 0, 2), node(2, 2, 5)), new LayerRange(2, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route has a gap or overlap at layer 2: next shard serves [0, 2)");
        assertThatThrownBy(() -> new Route(List.of(node(2, 2, 4)), new LayerRange(2, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route covers layers [2, 4) but must cover [2, 5)");
    }

    @Test
    void equivalentNodesShareTheSessionsAndAFixedSeedRepeatsTheChoice() {
        // Three nodes for [0, 2), two for [2, 5): every choice must stay a chain of one of each.
        List<NodeRecord> nodes = List.of(node(1, 0, 2), node(2, 0, 2), node(3, 0, 2), node(4, 2, 5), node(5, 2, 5));
        Map<NodeRecord, Integer> chosen = new HashMap<>();
        SecureRandom random = new SecureRandom();
        int plans = 3000;
        for (int i = 0; i < plans; i++) {
            Route route = Route.plan(nodes, LayerRange.all(5), random);
            assertThat(route.hops()).extracting(NodeRecord::layers).containsExactly(new LayerRange(0, 2), new LayerRange(2, 5));
            route.hops().forEach(hop -> chosen.merge(hop, 1, Integer::sum));
        }
        // Shares 1/3 and 1/2: each count lies within 6 standard deviations of its expectation.
        for (int n = 1; n <= 3; n++) {
            assertThat(chosen.getOrDefault(nodes.get(n - 1), 0)).as("node %d of three", n).isBetween(1000 - 155, 1000 + 155);
        }
        for (int n = 4; n <= 5; n++) {
            assertThat(chosen.getOrDefault(nodes.get(n - 1), 0)).as("node %d of two", n).isBetween(1500 - 165, 1500 + 165);
        }

        Random seeded = new Random(42);
        List<List<NodeRecord>> first = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> Route.plan(nodes, LayerRange.all(5), seeded).hops()).toList();
        Random again = new Random(42);
        List<List<NodeRecord>> second = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> Route.plan(nodes, LayerRange.all(5), again).hops()).toList();
        assertThat(second).isEqualTo(first);
        assertThat(first.stream().distinct().count()).as("20 seeded plans do not all pick the same nodes").isGreaterThan(1);
    }

    @Test
    void evenSplitOfTheLayersAfterTheGatewaysOwn() {
        assertThat(Route.evenSplit(new LayerRange(2, 5), 2)).containsExactly(new LayerRange(2, 4), new LayerRange(4, 5));
        assertThat(Route.evenSplit(5, 3)).containsExactly(new LayerRange(0, 2), new LayerRange(2, 4), new LayerRange(4, 5));
        assertThatThrownBy(() -> Route.evenSplit(new LayerRange(2, 5), 4))
                .hasMessage("cannot split 3 layers [2, 5) among 4 nodes: use 1 to 3 nodes");
        assertThatThrownBy(() -> Route.evenSplit(5, 9)).hasMessage("cannot split 5 layers among 9 nodes: use 1 to 5 nodes");
    }
}
