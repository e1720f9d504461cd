package org.farnode.app.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.gateway.FailoverStage;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.HopPolicy;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.shard.ShardStage;
import org.farnode.backend.Backend;

/** The gateway's job in {@code far gateway} and {@code far swarm}: generate through remote nodes, then report each hop. */
final class RemoteGeneration {
    private RemoteGeneration() {
    }

    /**
     * Generates through a route of {@code peers} for the layers the gateway leaves to the nodes: all
     * of them, or those after {@code localLayers}, which then run first, here on {@code gatewayBackend}.
     */
    static void run(LoadedModel loaded, ModelId modelId, List<PeerAddress> peers, HiddenStateCodec codec, Duration timeout,
                    GenerationOptions generation, LocalLayersOptions localLayers, RouteGuardOptions guard,
                    Backend gatewayBackend, PrintWriter out, PrintWriter err) throws Exception {
        SamplingSettings sampling = generation.sampling();
        LayerRange remoteLayers = localLayers.remoteLayers(loaded.config().blockCount());
        HopPolicy policy = guard.policy(loaded.config().embeddingLength(), codec.name());
        try (ShardSession local = localLayers.openLocalStage(gatewayBackend, loaded.weights());
             PeerRoute route = PeerRoute.open(peers, modelId, remoteLayers, codec, timeout, policy)) {
            printRoute(route.hops(), err);
            List<ShardStage> stages = new ArrayList<>();
            if (local != null) {
                stages.add(local);
            }
            stages.addAll(route.hops());
            GenerationResult result = generation.generate(loaded, gatewayBackend, stages, sampling, out);
            route.closeSessions();
            err.printf("prompt %d tokens, %.1f tokens/s; generated %d tokens, %.2f tokens/s; stopped: %s; codec %s%n",
                    result.promptTokens().length, result.prefillTokensPerSecond(), result.generatedTokens().length,
                    result.decodeTokensPerSecond(), result.stopReason(), codec.name());
            generation.speculationReport().ifPresent(err::println);
            if (localLayers.any()) {
                err.println(localLayers.describe());
            }
            printHops(route.stages(), err);
            if (policy.verification().enabled()) {
                printChecks(route.hops(), err);
            }
        }
    }

    /** The route as planned: each hop's node, and the nodes standing by to take over or check it. */
    static void printRoute(List<FailoverStage> hops, PrintWriter err) {
        for (int i = 0; i < hops.size(); i++) {
            FailoverStage hop = hops.get(i);
            List<String> spares = hop.spares().stream().map(p -> p.address().nodeId().substring(0, 12)).toList();
            err.printf("route: hop %d, layers %s, node %s%s%n", i + 1, hop.layers(),
                    hop.current().peer().address().nodeId().substring(0, 12),
                    spares.isEmpty() ? ", no spare" : ", spares " + String.join(", ", spares));
        }
        err.flush();
    }

    /** What checking each hop's windows against other nodes found. */
    static void printChecks(List<FailoverStage> hops, PrintWriter err) {
        for (int i = 0; i < hops.size(); i++) {
            FailoverStage.CheckCounts checks = hops.get(i).checks();
            err.printf("hop %d: %d windows checked against a second node, %d disagreed, %d nodes banned%n", i + 1,
                    checks.checked(), checks.disagreed(), checks.banned());
        }
        err.flush();
    }

    /** One row per hop: the gateway's counts, and whether the node's own counts agree. */
    static void printHops(List<RemoteShardStage> stages, PrintWriter err) {
        err.printf("%-4s %-12s %-9s %12s %12s %8s %10s %12s  %s%n", "hop", "node", "layers", "bytes sent", "bytes recv",
                "windows", "positions", "positions/s", "node's count");
        for (int i = 0; i < stages.size(); i++) {
            RemoteShardStage stage = stages.get(i);
            var seen = stage.traffic();
            var node = stage.nodeReport();
            String agreement = node == null ? "not reported"
                    : node.bytesReceived() == seen.bytesSent() && node.bytesSent() == seen.bytesReceived()
                            && node.windows() == seen.windows() && node.positions() == seen.positions() ? "same"
                    : "DIFFERS: node received " + node.bytesReceived() + ", sent " + node.bytesSent() + ", "
                            + node.windows() + " windows";
            err.printf("%-4d %-12s %-9s %12d %12d %8d %10d %12.1f  %s%n", i + 1,
                    stage.peer().address().nodeId().substring(0, 12), stage.layers(), seen.bytesSent(),
                    seen.bytesReceived(), seen.windows(), seen.positions(), seen.positionsPerSecond(), agreement);
        }
        err.flush();
    }
}
