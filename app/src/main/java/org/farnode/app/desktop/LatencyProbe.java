package org.farnode.app.desktop;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.protocol.ModelId;

/**
 * Measures the round trip to nodes with the protocol's ping, over one kept connection per node
 * (reconnecting when it breaks). The node answers a ping on its network thread, so the figure is
 * the link's, not the node's queue of work.
 */
final class LatencyProbe implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final ModelId model;
    private final Map<PeerAddress, PeerClient> clients = new HashMap<>();

    LatencyProbe(ModelId model) {
        this.model = model;
    }

    /** The round trip to {@code address}; empty when it does not answer within two seconds. */
    Optional<Duration> roundTrip(PeerAddress address) {
        try {
            PeerClient client = clients.computeIfAbsent(address, a -> PeerClient.connect(a, model, TIMEOUT));
            return Optional.of(client.ping(TIMEOUT));
        } catch (RuntimeException e) {
            PeerClient broken = clients.remove(address);
            if (broken != null) {
                broken.close();
            }
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        clients.values().forEach(PeerClient::close);
        clients.clear();
    }
}
