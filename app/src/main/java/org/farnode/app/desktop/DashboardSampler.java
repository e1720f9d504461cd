package org.farnode.app.desktop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.desktop.DashboardSnapshot.ConnectionRow;
import org.farnode.app.desktop.DashboardSnapshot.PeerRow;
import org.farnode.app.desktop.EmbeddedSwarm.SwarmMember;
import org.farnode.app.node.NodeService;

/**
 * Reads the dashboard's figures from the running node, once per call: this node's counters
 * (turned into rates against the previous call), every swarm node's traffic and ping, and the
 * gateways connected here. Called from one background thread, never the UI's: a ping waits on
 * the network.
 */
public final class DashboardSampler implements AutoCloseable {
    private final DesktopNode node;
    private final LatencyProbe probe;
    private NodeRates.Reading previous;

    public DashboardSampler(DesktopNode node) {
        this.node = node;
        this.probe = new LatencyProbe(node.swarm().modelId());
        this.previous = NodeRates.Reading.of(node.swarm().thisNode().service().traffic(), System.nanoTime());
    }

    /** The figures now; rates are over the time since the previous call (or since construction). */
    public DashboardSnapshot sample() {
        NodeService service = node.swarm().thisNode().service();
        NodeRates.Reading now = NodeRates.Reading.of(service.traffic(), System.nanoTime());
        NodeRates rates = NodeRates.between(previous, now, node.swarm().model().config(), service.layers());
        previous = now;
        List<PeerRow> peers = new ArrayList<>();
        for (SwarmMember member : node.swarm().members()) {
            var traffic = member.service().traffic();
            peers.add(new PeerRow(member.address().nodeId(), member.address().host() + ":" + member.address().port(),
                    member.layers().toString(), member.thisNode(), probe.roundTrip(member.address()),
                    traffic.bytesReceived(), traffic.bytesSent()));
        }
        List<ConnectionRow> connections = service.connections().stream()
                .map(c -> new ConnectionRow(c.remoteAddress(), c.security(), c.openSessions(), c.bytesReceived(), c.bytesSent()))
                .toList();
        return new DashboardSnapshot(Instant.now(), node.control().state(), service.openSessions(), now.positions(), rates,
                peers, connections);
    }

    @Override
    public void close() {
        probe.close();
    }
}
