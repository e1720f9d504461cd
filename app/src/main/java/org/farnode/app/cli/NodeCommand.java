package org.farnode.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.farnode.app.codec.CodecPlacement;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.node.ConnectionLimits;
import org.farnode.app.node.NodeServer;
import org.farnode.app.node.NodeService;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.swarm.ReadyLine;
import org.farnode.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code far node}: serves a layer range of a model to gateways until stopped. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Serve a range of a model's layers to gateways over TLS until stopped (Ctrl-C or SIGTERM), "
                + "then leave gracefully: finish the windows taken, tell the gateways, close.")
final class NodeCommand implements Callable<Integer> {
    /**
     * How long a stopping node may spend finishing the windows it has taken before it tells its
     * gateways it is leaving: a few seconds cover a long prompt on a slow node, and stay well inside
     * the time service managers give a process between SIGTERM and SIGKILL (10 s or more).
     */
    private static final Duration LEAVE_GRACE = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--layers", required = true, description = "Layers to serve, A:B meaning A to B-1.")
    String layers;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "7411", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", description = "Where the node keeps its key pair (default: ~/.local/share/far-node).")
    Path dataDirectory;

    @Option(names = "--kv-memory-mb", defaultValue = "4096", description = "Memory all sessions' KV caches may use, in MiB (default: ${DEFAULT-VALUE}).")
    long kvMemoryMb;

    @Option(names = "--idle-timeout", defaultValue = "300", description = "Seconds after which an unused session is wiped (default: ${DEFAULT-VALUE}).")
    long idleSeconds;

    @Option(names = "--evict-idle-after", defaultValue = "30",
            description = "Seconds a session must have gone unused before it may be evicted to make room in the KV memory "
                    + "for another session's window (default: ${DEFAULT-VALUE}).")
    long evictableAfterSeconds;

    @Option(names = "--scm", paramLabel = "FILE",
            description = "SCM codebook (from far calibrate) to accept sessions in the SCM codecs (scm8, scm4, scm16) with.")
    java.nio.file.Path scm;

    @Option(names = "--max-connections-per-ip", paramLabel = "N", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_PER_ADDRESS,
            description = "Connections one IP address (an IPv6 /64) may hold open; more are refused (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Option(names = "--max-new-connections-per-second", paramLabel = "N", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_NEW_PER_SECOND,
            description = "New connections one IP address may open per second; a faster burst is refused (default: ${DEFAULT-VALUE}).")
    int maxNewConnectionsPerSecond;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "" + ConnectionLimits.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS,
            description = "Seconds a new connection has to complete TLS and the gateway's Hello before it is closed (default: ${DEFAULT-VALUE}).")
    long handshakeTimeoutSeconds;

    @Option(names = "--stop-on-stdin-close", hidden = true,
            description = "Stop cleanly when standard input closes: how far swarm stops its nodes, and why they never outlive it.")
    boolean stopOnStdinClose;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    FaultOptions fault;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (kvMemoryMb < 1) {
            throw new IllegalArgumentException("--kv-memory-mb must be at least 1, got " + kvMemoryMb);
        }
        if (idleSeconds < 1) {
            throw new IllegalArgumentException("--idle-timeout must be at least 1 second, got " + idleSeconds);
        }
        fault.fault(); // refuses bad fault options before the model is read
        if (evictableAfterSeconds < 0) {
            throw new IllegalArgumentException("--evict-idle-after must be 0 or more seconds, got " + evictableAfterSeconds);
        }
        ConnectionLimits limits = connectionLimits();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeSettings settings = NodeSettings.defaults().withKvBudgetBytes(kvMemoryMb << 20)
                .withIdleTimeout(Duration.ofSeconds(idleSeconds)).withEvictableAfter(Duration.ofSeconds(evictableAfterSeconds));
        LoadedModel loaded = model.open();
        LayerRange range = LayerRange.parse(layers, loaded.config().blockCount());
        err.println("far node: hashing " + loaded.path() + " for its model id...");
        ModelId modelId = ModelFingerprint.of(loaded.path());
        var calibration = CodecOptions.calibration(scm, modelId);
        if (calibration.isPresent()) {
            settings = settings.withCalibration(calibration.get());
            err.println("far node: SCM codebook " + scm + " (" + calibration.get().shortHash() + ")");
        }
        NodeIdentity identity = NodeIdentity.loadOrCreate(dataDirectory != null ? dataDirectory : defaultDataDirectory());
        Backend backend = backendOptions.open(err);
        ShardRunner runner = ShardRunner.on(backend, loaded.weights(), range);
        CodecPlacement codecs = CodecPlacement.on(backend, calibration);
        if (calibration.isPresent()) {
            err.println("far node: " + codecs.description());
        }
        NodeService service = new NodeService(runner, modelId,
                identity.nodeId(), backend.description(), settings, codecs);
        // What happens on the node (gateways connecting, sessions, errors with their cause) goes to the operator's terminal.
        service.addEventListener(event -> {
            err.println("far node: " + event.message());
            err.flush();
        });
        service.injectFault(fault.fault());
        NodeServer server = NodeServer.start(service, identity, host, port, null, limits);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { // the LEAVING event, printed by the listener above, says when leaving begins
                err.println("far node: left: " + server.shutdownGracefully(LEAVE_GRACE).describe());
            } catch (InterruptedException e) {
                server.close();
                err.println("far node: interrupted while leaving; closed at once");
            }
            err.println("far node: stopped; served " + service.traffic());
            err.flush();
            backend.close();
            closeQuietly(loaded);
            stopped.countDown();
        }, "node-shutdown"));
        if (stopOnStdinClose) {
            Thread watcher = new Thread(() -> {
                try {
                    System.in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException ignored) {
                    // a broken pipe means the launcher is gone too
                }
                System.exit(0);
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }
        err.println("far node: node " + identity.nodeId() + " serves layers " + range + " of model " + modelId.shortHex()
                + " (" + loaded.path().getFileName() + ") on " + host + ":" + server.port() + " with " + backend.description());
        out.println(new ReadyLine(new PeerAddress(host, server.port(), identity.nodeId()), range, modelId).format());
        out.flush();
        stopped.await();
        return 0;
    }

    /** The per-address limits the options ask for; a value out of range fails with what is allowed. */
    private ConnectionLimits connectionLimits() {
        if (maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("--max-connections-per-ip must be at least 1, got " + maxConnectionsPerIp);
        }
        if (maxNewConnectionsPerSecond < 1) {
            throw new IllegalArgumentException("--max-new-connections-per-second must be at least 1, got " + maxNewConnectionsPerSecond);
        }
        if (handshakeTimeoutSeconds < 1 || handshakeTimeoutSeconds > 3600) {
            throw new IllegalArgumentException("--handshake-timeout must be 1 to 3600 seconds, got " + handshakeTimeoutSeconds);
        }
        return new ConnectionLimits(maxConnectionsPerIp, maxNewConnectionsPerSecond, Duration.ofSeconds(handshakeTimeoutSeconds));
    }

    static Path defaultDataDirectory() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("far-node");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the process is exiting
        }
    }
}
