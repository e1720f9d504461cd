package org.farnode.app.desktop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.farnode.app.codec.CodecPlacement;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.node.NodeServer;
import org.farnode.app.node.NodeService;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.backend.Backend;

/**
 * The desktop app's default network: this node and local peers, each a real node server on a
 * loopback port with TLS, and a local gateway that generates through them. This node computes on
 * the operator's backend (the GPU where there is one) under its own lasting identity; the peers
 * and the gateway share the CPU. Everything a dashboard shows comes from these real servers.
 */
public final class EmbeddedSwarm implements AutoCloseable {
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(60);

    private final LoadedModel model;
    private final ModelId modelId;
    private final Backend nodeBackend;
    private final Backend sharedCpu;
    private final Optional<String> backendNotice;
    private final SwarmLayout layout;
    private final List<SwarmMember> members;
    private final GatewayModel gateway;

    private EmbeddedSwarm(LoadedModel model, ModelId modelId, Backend nodeBackend, Backend sharedCpu,
                          Optional<String> backendNotice, SwarmLayout layout, List<SwarmMember> members) {
        this.model = model;
        this.modelId = modelId;
        this.nodeBackend = nodeBackend;
        this.sharedCpu = sharedCpu;
        this.backendNotice = backendNotice;
        this.layout = layout;
        this.members = List.copyOf(members);
        this.gateway = GatewayModel.on(sharedCpu, model.weights());
    }

    /**
     * Loads {@code settings}' model and starts the swarm, telling {@code progress} each step (the
     * model's hash and a GPU upload can take a while). This node keeps its key pair in
     * {@code identityFolder} and listens on the configured port (0: any free one).
     *
     * @throws IOException              the model file cannot be read
     * @throws IllegalArgumentException a setting cannot be used (what is wrong, and what is allowed)
     */
    public static EmbeddedSwarm start(OperatorSettings settings, Path identityFolder, Consumer<String> progress)
            throws IOException, InterruptedException {
        if (settings.modelFile().isBlank()) {
            throw new IllegalArgumentException("no model file is chosen: pick a GGUF file first");
        }
        progress.accept("Opening " + Path.of(settings.modelFile()).getFileName() + "...");
        LoadedModel model = LoadedModel.open(Path.of(settings.modelFile()), null);
        List<AutoCloseable> opened = new ArrayList<>(List.of(model));
        try {
            SwarmLayout layout = SwarmLayout.of(settings.layers(), model.config().blockCount());
            progress.accept("Hashing the model for its id...");
            ModelId modelId = ModelFingerprint.of(model.path());
            progress.accept("Opening the " + settings.backend() + " backend...");
            List<String> notices = new ArrayList<>();
            Backend nodeBackend = Backend.open(Backend.Choice.parse(settings.backend()), null, deviceIndex(settings.device()),
                    settings.vramCapMib() > 0 ? settings.vramCapMib() << 20 : null, notices::add);
            opened.add(nodeBackend);
            Backend sharedCpu = Backend.cpu(null);
            opened.add(sharedCpu);
            NodeIdentity identity = NodeIdentity.loadOrCreate(identityFolder);
            List<SwarmMember> members = new ArrayList<>();
            progress.accept("Starting this node (layers " + layout.thisNode() + ")...");
            members.add(SwarmMember.start(true, identity, ShardRunner.on(nodeBackend, model.weights(), layout.thisNode()),
                    nodeBackend, modelId, settings.listenPort(), opened));
            for (LayerRange peer : layout.peers()) {
                progress.accept("Starting a local peer (layers " + peer + ")...");
                members.add(SwarmMember.start(false, NodeIdentity.ephemeral(),
                        ShardRunner.on(sharedCpu, model.weights(), peer), sharedCpu, modelId, 0, opened));
            }
            return new EmbeddedSwarm(model, modelId, nodeBackend, sharedCpu,
                    notices.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notices)), layout, members);
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static Integer deviceIndex(String device) {
        if (device == null || device.isBlank() || device.equals("auto")) {
            return null;
        }
        try {
            return Integer.parseInt(device.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the device must be auto or a device number as far devices lists them, got '"
                    + device + "'");
        }
    }

    /** This node: the one the operator contributes, on their backend. */
    public SwarmMember thisNode() {
        return members.getFirst();
    }

    /** Every node of the swarm, this one first. */
    public List<SwarmMember> members() {
        return members;
    }

    /** Where every node listens. */
    public List<PeerAddress> addresses() {
        return members.stream().map(SwarmMember::address).toList();
    }

    /** Opens a session on every hop of the route through the swarm, in {@code codec}. */
    public PeerRoute openRoute(HiddenStateCodec codec) {
        return PeerRoute.open(addresses(), modelId, model.config().blockCount(), codec, ROUTE_TIMEOUT);
    }

    public LoadedModel model() {
        return model;
    }

    public ModelId modelId() {
        return modelId;
    }

    /** The gateway's half of the model (embedding, final norm, LM head), on the CPU. */
    public GatewayModel gateway() {
        return gateway;
    }

    /** The gateway's CPU backend (a draft model for speculation runs here). */
    public Backend gatewayBackend() {
        return sharedCpu;
    }

    /** This node's backend. */
    public Backend nodeBackend() {
        return nodeBackend;
    }

    /** Why this node computes on the CPU although a GPU was possible; empty when nothing needed saying. */
    public Optional<String> backendNotice() {
        return backendNotice;
    }

    public SwarmLayout layout() {
        return layout;
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        members.forEach(m -> all.add(m.server()));
        all.add(nodeBackend);
        all.add(sharedCpu);
        all.add(model);
        closeAll(all);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables.reversed()) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing the rest matters more than one failure to close
            }
        }
    }

    /**
     * One node of the swarm.
     *
     * @param thisNode whether it is the operator's node (else a local peer)
     * @param server   its server; its service holds the counters
     * @param address  where it listens, with its node id
     */
    public record SwarmMember(boolean thisNode, NodeServer server, PeerAddress address) {
        static SwarmMember start(boolean thisNode, NodeIdentity identity, ShardRunner runner, Backend backend, ModelId modelId,
                                 int port, List<AutoCloseable> opened) throws InterruptedException {
            NodeService service = new NodeService(runner, modelId, identity.nodeId(), backend.description(),
                    NodeSettings.defaults(), CodecPlacement.on(backend, Optional.empty()));
            NodeServer server;
            try {
                server = NodeServer.start(service, identity, "127.0.0.1", port);
            } catch (Exception e) { // Netty rethrows a BindException unchecked-style, so catch everything
                service.close();
                if (isBindFailure(e)) {
                    throw new IllegalArgumentException("cannot listen on port " + port + " (" + e.getMessage() + "): choose another "
                            + "listening port (1024..65535) or 0 for any free one", e);
                }
                if (e instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
            opened.add(server);
            return new SwarmMember(thisNode, server, new PeerAddress("127.0.0.1", server.port(), identity.nodeId()));
        }

        private static boolean isBindFailure(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException) {
                    return true;
                }
            }
            return false;
        }

        public NodeService service() {
            return server.service();
        }

        public LayerRange layers() {
            return server.service().layers();
        }
    }
}
