package org.farnode.app.desktop;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the dashboard shows that changes, read at one moment.
 *
 * @param time        when it was read
 * @param state       serving, paused or snoozed
 * @param sessions    gateway sessions open on this node
 * @param totalTokens positions this node's layers have processed since it started
 * @param rates       this node's work per second since the previous reading
 * @param peers       every node of the swarm, this one first
 * @param connections gateways connected to this node
 */
public record DashboardSnapshot(Instant time, NodeControl.State state, int sessions, long totalTokens, NodeRates rates,
                                List<PeerRow> peers, List<ConnectionRow> connections) {

    public DashboardSnapshot {
        peers = List.copyOf(peers);
        connections = List.copyOf(connections);
    }

    /**
     * A node of the swarm as seen from this machine.
     *
     * @param nodeId        its key fingerprint
     * @param address       host:port
     * @param layers        the layers it serves
     * @param thisNode      whether it is this app's node
     * @param latency       round trip of a ping to it; empty when it did not answer
     * @param bytesReceived frame bytes it received
     * @param bytesSent     frame bytes it sent
     */
    public record PeerRow(String nodeId, String address, String layers, boolean thisNode, Optional<Duration> latency,
                          long bytesReceived, long bytesSent) {
    }

    /**
     * A gateway connected to this node.
     *
     * @param address       host:port it connects from
     * @param tls           the link's protocol and cipher suite
     * @param sessions      its sessions open here
     * @param bytesReceived frame bytes this node received from it
     * @param bytesSent     frame bytes this node sent it
     */
    public record ConnectionRow(String address, String tls, int sessions, long bytesReceived, long bytesSent) {
    }
}
