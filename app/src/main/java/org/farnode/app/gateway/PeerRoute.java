package org.farnode.app.gateway;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.directory.NodeRecord;
import org.farnode.app.directory.Route;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;

/**
 * A session's route through remote nodes: connects to the peers, learns their layer ranges from
 * the handshake, plans a route that covers every layer the gateway does not run itself (choosing
 * at random among peers that serve the same layers), and opens one session per hop.
 *
 * <p>The gateway sends each window to every hop in turn and gets the result back before the next
 * hop (a star, not a chain): nodes never talk to each other, so none learns who else serves the
 * session, and a failed hop is seen by the gateway at once.
 */
public final class PeerRoute implements AutoCloseable {
    /** Picks among equivalent peers; shared by every route of this process (SecureRandom is thread-safe). */
    private static final RandomGenerator CHOICE = new SecureRandom();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerRoute.class);
    private final List<PeerClient> clients;
    /** The hops in layer order; each keeps the peers that serve its layers and the route did not pick, to fail over to. */
    private final List<FailoverStage> hops;

    private PeerRoute(List<PeerClient> clients, List<FailoverStage> hops) {
        this.clients = clients;
        this.hops = hops;
    }

    /**
     * Connects to {@code peers} for {@code model} and opens a session on each hop of a route
     * through them that covers every layer; peers that serve a hop's layers but were not picked
     * stay connected as that hop's spares, and the others are disconnected.
     * Among peers that serve the same layers, each session picks one at random ({@link SecureRandom}).
     */
    public static PeerRoute open(List<PeerAddress> peers, ModelId model, int blockCount, HiddenStateCodec codec,
                                 Duration timeout) {
        return open(peers, model, LayerRange.all(blockCount), codec, timeout);
    }

    /**
     * As {@link #open(List, ModelId, int, HiddenStateCodec, Duration)}, for a route that covers
     * {@code layers} only: {@code [m, blockCount)} when the gateway runs the first {@code m} layers
     * itself, so the first hop receives the hidden states after layer {@code m - 1} rather than
     * the embeddings.
     */
    public static PeerRoute open(List<PeerAddress> peers, ModelId model, LayerRange layers, HiddenStateCodec codec,
                                 Duration timeout) {
        return open(peers, model, layers, codec, timeout, CHOICE);
    }

    /** As {@link #open(List, ModelId, LayerRange, HiddenStateCodec, Duration)}, each hop guarding against its node under {@code policy}. */
    public static PeerRoute open(List<PeerAddress> peers, ModelId model, LayerRange layers, HiddenStateCodec codec,
                                 Duration timeout, HopPolicy policy) {
        return open(peers, model, layers, codec, timeout, CHOICE, policy);
    }

    /**
     * As {@link #open(List, ModelId, LayerRange, HiddenStateCodec, Duration)}, with {@code choice}
     * picking among peers that serve the same layers (a seeded generator makes the choice
     * repeatable, for tests).
     */
    public static PeerRoute open(List<PeerAddress> peers, ModelId model, LayerRange layers, HiddenStateCodec codec,
                                 Duration timeout, RandomGenerator choice) {
        return open(peers, model, layers, codec, timeout, choice, HopPolicy.standard());
    }

    /**
     * As {@link #open(List, ModelId, LayerRange, HiddenStateCodec, Duration, RandomGenerator)}, each
     * hop guarding against its node under {@code policy}; peers the policy's bans name are left out.
     */
    public static PeerRoute open(List<PeerAddress> peers, ModelId model, LayerRange layers, HiddenStateCodec codec,
                                 Duration timeout, RandomGenerator choice, HopPolicy policy) {
        List<PeerClient> clients = new ArrayList<>();
        try {
            for (PeerAddress peer : peers) {
                if (policy.bans().isBanned(peer.nodeId())) {
                    LOG.warn("leaving out {}: banned for results other nodes outvoted", peer.describe());
                    continue;
                }
                clients.add(PeerClient.connect(peer, model, timeout));
            }
            List<NodeRecord> records = clients.stream()
                    .map(c -> new NodeRecord(c.address(), model, c.layers()))
                    .toList();
            Route route = Route.plan(records, layers, choice);
            List<PeerClient> used = new ArrayList<>();
            for (NodeRecord hop : route.hops()) {
                used.add(clients.get(records.indexOf(hop)));
            }
            List<PeerClient> kept = clients.stream()
                    .filter(c -> used.contains(c) || used.stream().anyMatch(u -> u.layers().equals(c.layers())))
                    .toList();
            clients.stream().filter(c -> !kept.contains(c)).forEach(PeerClient::close);
            List<FailoverStage> hops = new ArrayList<>();
            PeerRoute opened = new PeerRoute(kept, hops);
            try {
                for (PeerClient client : used) {
                    List<PeerClient> spares = kept.stream()
                            .filter(c -> !used.contains(c) && c.layers().equals(client.layers()))
                            .toList();
                    hops.add(new FailoverStage(client.openSession(codec), spares, policy));
                }
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            return opened;
        } catch (RuntimeException e) {
            clients.forEach(PeerClient::close);
            throw e;
        }
    }

    /** The hops in layer order, each the session on the node that serves it now. */
    public List<RemoteShardStage> stages() {
        return hops.stream().map(FailoverStage::current).toList();
    }

    /**
     * The hops in layer order as stages to generate through: each moves its session to a spare
     * peer serving the same layers when its node is lost ({@link FailoverStage}).
     */
    public List<FailoverStage> hops() {
        return hops;
    }

    /** Ends every session (each node reports its traffic count), leaving the connections open. */
    public void closeSessions() {
        RuntimeException first = null;
        for (FailoverStage stage : hops) {
            try {
                stage.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Closes the connections (sessions not yet closed are wiped by their nodes when the connection drops). */
    @Override
    public void close() {
        clients.forEach(PeerClient::close);
    }
}
