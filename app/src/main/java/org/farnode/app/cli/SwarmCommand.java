package org.farnode.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.farnode.app.directory.InMemoryDirectory;
import org.farnode.app.directory.NodeRecord;
import org.farnode.app.directory.Route;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.swarm.NodeProcess;
import org.farnode.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code far swarm}: a whole network on this machine. Starts N node processes on loopback, each
 * serving a share of the layers (of those after {@code --local-layers}, which the gateway runs),
 * generates through them as a gateway, reports every hop, and stops the nodes.
 */
@Command(name = "swarm", mixinStandardHelpOptions = true,
        description = "Start N local node processes sharing the model's layers, generate through them, report each hop, stop them.")
final class SwarmCommand implements Callable<Integer> {
    private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration NODE_STOP_GRACE = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--nodes", defaultValue = "3", description = "Node processes to start (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--spares", defaultValue = "0",
            description = "More node processes, each serving the same layers as one of the first --nodes (in turn), to take over "
                    + "a hop whose node is lost or stalls, and to check the others' work with --verify-fraction (default: ${DEFAULT-VALUE}).")
    int spares;

    @Mixin
    GenerationOptions generation;

    @Mixin
    CodecOptions codecOptions;

    @Mixin
    LocalLayersOptions localLayers;

    @Mixin
    RouteGuardOptions guard;

    @Mixin
    BackendOptions backendOptions;

    @Override
    public Integer call() throws Exception {
        codecOptions.checkName();
        localLayers.checkSign();
        guard.check();
        generation.sampling();
        if (spares < 0) {
            throw new IllegalArgumentException("--spares must be 0 or more, got " + spares);
        }
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel loaded = model.open();
             Backend backend = backendOptions.openCpu()) {
            List<LayerRange> split = Route.evenSplit(localLayers.remoteLayers(loaded.config().blockCount()), nodes);
            ModelId modelId = ModelFingerprint.of(loaded.path());
            var chosenCodec = codecOptions.codec(modelId);
            Path workDirectory = Files.createTempDirectory("far-swarm-");
            List<NodeProcess> started = new ArrayList<>();
            try {
                InMemoryDirectory directory = new InMemoryDirectory();
                for (int i = 0; i < split.size() + spares; i++) {
                    NodeProcess node = NodeProcess.start(nodeArguments(i, split.get(i % split.size()), workDirectory),
                            workDirectory.resolve("node-" + (i + 1) + ".log"), NODE_START_TIMEOUT);
                    started.add(node);
                    directory.announce(new NodeRecord(node.ready().address(), node.ready().model(), node.ready().layers()));
                    err.printf("node %d: pid %d, layers %s, %s%s%n", i + 1, node.pid(), node.ready().layers(),
                            node.ready().address().describe(), i < split.size() ? "" : " (spare)");
                }
                err.flush();
                var peers = directory.nodesServing(modelId).stream().map(NodeRecord::address).toList();
                RemoteGeneration.run(loaded, modelId, peers, chosenCodec, Duration.ofSeconds(120), generation, localLayers,
                        guard, backend, spec.commandLine().getOut(), err);
            } finally {
                stopAll(started, err);
                deleteQuietly(workDirectory);
            }
        }
        return 0;
    }

    private List<String> nodeArguments(int index, LayerRange layers, Path workDirectory) {
        List<String> more = new ArrayList<>(backendOptions.asArguments());
        if (codecOptions.scm != null) {
            more.addAll(List.of("--scm", codecOptions.scm.toString()));
        }
        return LocalNodeArguments.of(model, layers, workDirectory.resolve("node-" + (index + 1)), more);
    }

    private static void stopAll(List<NodeProcess> nodes, PrintWriter err) throws InterruptedException {
        List<String> codes = new ArrayList<>();
        for (NodeProcess node : nodes) {
            codes.add(String.valueOf(node.stop(NODE_STOP_GRACE)));
        }
        if (!nodes.isEmpty()) {
            err.println("stopped " + nodes.size() + " nodes (exit codes " + String.join(", ", codes) + ")");
            err.flush();
        }
    }

    static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
