package org.farnode.app.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.node.ConnectionLimits;
import org.farnode.app.node.InboundAudit;
import org.farnode.app.node.NodeServer;
import org.farnode.app.node.NodeService;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.backend.ops.CpuOps;

/** Real node servers in this JVM on loopback ports, each with its own identity, serving stories260K. */
public final class LocalNodes implements AutoCloseable {
    private final LoadedModel model;
    private final ModelId modelId;
    private final CpuOps ops = new CpuOps(2);
    private final List<NodeServer> servers = new ArrayList<>();
    private final List<NodeIdentity> identities = new ArrayList<>();

    private LocalNodes(LoadedModel model, ModelId modelId) {
        this.model = model;
        this.modelId = modelId;
    }

    public static LocalNodes stories260K() throws IOException {
        LoadedModel model = LoadedModel.open(Stories260K.gguf(), null);
        return new LocalNodes(model, ModelFingerprint.of(model.path()));
    }

    /** Starts a node serving {@code range}; returns where it listens. */
    public PeerAddress start(LayerRange range, NodeSettings settings, InboundAudit audit) throws InterruptedException {
        return start(range, settings, NodeIdentity.ephemeral(), audit);
    }

    /** As {@link #start(LayerRange, NodeSettings, InboundAudit)}, with the key pair of {@code identity} (one kept in a folder, say). */
    public PeerAddress start(LayerRange range, NodeSettings settings, NodeIdentity identity, InboundAudit audit)
            throws InterruptedException {
        return start(range, settings, identity, audit, ConnectionLimits.defaults());
    }

    /** As {@link #start(LayerRange, NodeSettings, InboundAudit)}, under {@code limits} rather than the default ones. */
    public PeerAddress startWithLimits(LayerRange range, NodeSettings settings, ConnectionLimits limits) throws InterruptedException {
        return start(range, settings, NodeIdentity.ephemeral(), null, limits);
    }

    private PeerAddress start(LayerRange range, NodeSettings settings, NodeIdentity identity, InboundAudit audit,
                              ConnectionLimits limits) throws InterruptedException {
        NodeService service = new NodeService(new ShardRunner(model.weights(), range, ops), modelId, identity.nodeId(),
                ops.name(), settings);
        NodeServer server = NodeServer.start(service, identity, "127.0.0.1", 0, audit, limits);
        servers.add(server);
        identities.add(identity);
        return new PeerAddress("127.0.0.1", server.port(), identity.nodeId());
    }

    public PeerAddress start(LayerRange range) throws InterruptedException {
        return start(range, NodeSettings.defaults(), null);
    }

    /** The embeddings of {@code positions} varied, deterministic tokens: a window as a gateway sends the first hop. */
    public org.farnode.app.shard.HiddenStates window(int positions) {
        int[] tokens = new int[positions];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + (i * 37) % 500;
        }
        return new org.farnode.app.gateway.GatewayModel(model.weights(), ops).embed(tokens);
    }

    public LoadedModel model() {
        return model;
    }

    public ModelId modelId() {
        return modelId;
    }

    public CpuOps ops() {
        return ops;
    }

    public NodeServer server(int index) {
        return servers.get(index);
    }

    @Override
    public void close() throws Exception {
        servers.forEach(NodeServer::close);
        ops.close();
        model.close();
    }
}
