package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerException;
import org.farnode.app.swarm.NodeProcess;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The network commands with real node processes on loopback, run as a user runs them. */
class SwarmCommandIT {
    private static final Pattern NODE_PID = Pattern.compile("^node \\d+: pid (\\d+)", Pattern.MULTILINE);

    @TempDir
    Path work;

    @Test
    void swarmOfThreeNodeProcessesPrintsTheSameTextAsOneProcessAndStopsThem() throws Exception {
        FarProcess.Outcome run = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--nodes", "3",
                "--prompt", "", "--max-tokens", "256", "--temperature", "0");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).contains("[0, 2)").contains("[2, 4)").contains("[4, 5)");
        assertThat(run.stderr().lines().filter(l -> l.matches("^[123] .*"))).hasSize(3).allMatch(l -> l.endsWith("same"));
        assertThat(run.stderr()).contains("stopped 3 nodes (exit codes 0, 0, 0)");
        Matcher pids = NODE_PID.matcher(run.stderr());
        int count = 0;
        while (pids.find()) {
            count++;
            assertThat(ProcessHandle.of(Long.parseLong(pids.group(1))).map(ProcessHandle::isAlive).orElse(false))
                    .as("node process %s is gone", pids.group(1)).isFalse();
        }
        assertThat(count).isEqualTo(3);
    }

    @Test
    void swarmWithTheFirstTwoLayersOnTheGatewayPrintsTheSameTextAndItsNodesServeOnlyTheLaterLayers() throws Exception {
        FarProcess.Outcome run = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--local-layers", "2",
                "--nodes", "2", "--prompt", "", "--max-tokens", "256", "--temperature", "0");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).contains("node 1: pid").contains("node 2: pid")
                .contains("layers [0, 2) ran on this gateway (--local-layers 2): the first node received the hidden states after layer 1");
        List<String> hops = run.stderr().lines().filter(l -> l.matches("^[12] .*")).toList();
        assertThat(hops).as(run.stderr()).hasSize(2).allMatch(l -> l.endsWith("same"));
        assertThat(hops.get(0)).contains("[2, 4)");
        assertThat(hops.get(1)).contains("[4, 5)");
        assertThat(run.stderr().lines().filter(l -> l.startsWith("node ")).toList()).as("the nodes started")
                .hasSize(2).noneMatch(l -> l.contains("[0, "));
        assertThat(run.stderr()).contains("stopped 2 nodes (exit codes 0, 0)");
    }

    @Test
    void swarmRefusesToRunEveryLayerOnTheGateway() throws Exception {
        FarProcess.expectOneLineError(new String[] {"swarm", "--model", Stories260K.gguf().toString(), "--local-layers", "5"},
                "--local-layers must be 0 to 4: the model has 5 layers and at least one must run on the nodes "
                        + "(0 runs them all there), got 5");
    }

    @Test
    void gatewayCommandDrivesNodesStartedSeparately() throws Exception {
        try (NodeProcess first = startNode("0:3", "a"); NodeProcess second = startNode("3:5", "b")) {
            FarProcess.Outcome run = FarProcess.run("gateway", "--model", Stories260K.gguf().toString(),
                    "--peer", second.ready().address().toString(), "--peer", first.ready().address().toString(),
                    "--prompt", "", "--max-tokens", "256", "--temperature", "0");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        }
    }

    @Test
    void killingTheNodeProcessOfAHopMidGenerationInASwarmWithASpareLeavesTheTextExactlyTheReference() throws Exception {
        Process swarm = new ProcessBuilder(FarProcess.launcher().toString(), "swarm", "--model", Stories260K.gguf().toString(),
                "--nodes", "3", "--spares", "1", "--prompt", "", "--max-tokens", "256", "--temperature", "0").start();
        swarm.getOutputStream().close();
        StringBuffer err = new StringBuffer();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(swarm.getErrorStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> err.append(line).append('\n'));
            } catch (java.io.IOException e) {
                err.append("(stderr unreadable: ").append(e).append(")\n");
            }
        });
        java.io.Reader out = new java.io.InputStreamReader(swarm.getInputStream(), java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        SwarmNode killed = null;
        for (int c = out.read(); c != -1; c = out.read()) {
            text.append((char) c);
            if (killed == null && text.length() == 60) {
                Matcher spare = Pattern.compile("layers (\\[\\d+, \\d+\\)), node [0-9a-f]{12} at \\S+ \\(spare\\)")
                        .matcher(err);
                assertThat(spare.find()).as(err.toString()).isTrue();
                killed = holderOfHop(err.toString(), spare.group(1)); // the hop that has a spare
                ProcessHandle.of(killed.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no goodbye to the gateway
            }
        }
        assertThat(swarm.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        errReader.join();
        assertThat(swarm.exitValue()).as(err.toString()).isZero();
        assertThat(killed).as("a node was killed mid-generation").isNotNull();
        assertThat(text.toString()).as(err.toString()).isEqualTo(Stories260K.greedyText256());
        assertThat(err.toString()).contains("(spare)").contains("left node " + killed.nodeId().substring(0, 12))
                .containsPattern("continuing on node [0-9a-f]{12}");
    }

    /** A node of a {@code far swarm} as its stderr lists it. */
    private record SwarmNode(long pid, String nodeId) {
    }

    /** The node the route put on {@code layers}, from the swarm's "node N: pid P, layers L, node ID at ..." and "route:" lines. */
    private static SwarmNode holderOfHop(String stderr, String layers) {
        Matcher route = Pattern.compile("^route: hop \\d+, layers " + Pattern.quote(layers) + ", node ([0-9a-f]{12})",
                Pattern.MULTILINE).matcher(stderr);
        assertThat(route.find()).as(stderr).isTrue();
        Matcher node = Pattern.compile("^node \\d+: pid (\\d+), layers " + Pattern.quote(layers) + ", node (" + route.group(1)
                + "[0-9a-f]*)", Pattern.MULTILINE).matcher(stderr);
        assertThat(node.find()).as(stderr).isTrue();
        return new SwarmNode(Long.parseLong(node.group(1)), node.group(2));
    }

    @Test
    void aNodeStartedWithFaultCorruptIsOutvotedBannedAndTheGatewaysTextIsTheReference() throws Exception {
        try (NodeProcess first = startNode("0:5", "v1", "--fault", "corrupt", "--fault-after", "40");
             NodeProcess second = startNode("0:5", "v2"); NodeProcess third = startNode("0:5", "v3")) {
            FarProcess.Outcome run = FarProcess.run("gateway", "--model", Stories260K.gguf().toString(),
                    "--peer", first.ready().address().toString(), "--peer", second.ready().address().toString(),
                    "--peer", third.ready().address().toString(), "--verify-fraction", "1",
                    "--prompt", "", "--max-tokens", "256", "--temperature", "0");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
            String faulty = first.ready().address().nodeId().substring(0, 12);
            boolean routedThroughIt = run.stderr().contains("route: hop 1, layers [0, 5), node " + faulty);
            boolean checkedByIt = run.stderr().contains("spares " + faulty);
            assertThat(routedThroughIt || checkedByIt).as(run.stderr()).isTrue();
            assertThat(run.stderr()).contains("banned node " + faulty)
                    .containsPattern("hop 1: \\d+ windows checked against a second node, [1-9]\\d* disagreed, 1 nodes banned");
            assertThat(java.nio.file.Files.readString(first.log())).contains("test mode: this node misbehaves on purpose: corrupt");
        }
    }

    @Test
    void sigtermToTheNodeProcessOfAHopMidGenerationMakesItLeaveGracefullyAndTheTextIsExactlyTheReference() throws Exception {
        try (NodeProcess first = startNode("0:2", "g1"); NodeProcess middle = startNode("2:4", "g2");
             NodeProcess spare = startNode("2:4", "g3"); NodeProcess last = startNode("4:5", "g4")) {
            Process gateway = new ProcessBuilder(FarProcess.launcher().toString(), "gateway", "--model", Stories260K.gguf().toString(),
                    "--peer", first.ready().address().toString(), "--peer", middle.ready().address().toString(),
                    "--peer", spare.ready().address().toString(), "--peer", last.ready().address().toString(),
                    "--prompt", "", "--max-tokens", "256", "--temperature", "0", "--timeout", "30").start();
            gateway.getOutputStream().close();
            var stderr = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> new String(FarProcess.readAll(gateway.getErrorStream()), java.nio.charset.StandardCharsets.UTF_8));
            java.io.Reader out = new java.io.InputStreamReader(gateway.getInputStream(), java.nio.charset.StandardCharsets.UTF_8);
            StringBuilder text = new StringBuilder();
            NodeProcess stopped = null;
            for (int c = out.read(); c != -1; c = out.read()) {
                text.append((char) c);
                if (stopped == null && text.length() == 60) {
                    stopped = java.nio.file.Files.readString(middle.log()).contains("opened") ? middle : spare;
                    ProcessHandle.of(stopped.pid()).orElseThrow().destroy(); // SIGTERM, as a service manager stops it
                }
            }
            assertThat(gateway.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            String err = stderr.join();
            assertThat(gateway.exitValue()).as(err).isZero();
            assertThat(stopped).as("a node was stopped mid-generation").isNotNull();
            assertThat(text.toString()).as(err).isEqualTo(Stories260K.greedyText256());
            assertThat(err).contains("left node " + stopped.ready().address().nodeId().substring(0, 12))
                    .contains("continuing on node " + (stopped == middle ? spare : middle).ready().address().nodeId().substring(0, 12));
            NodeProcess left = stopped;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (left.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String nodeLog = java.nio.file.Files.readString(left.log());
            assertThat(left.isAlive()).as(nodeLog).isFalse();
            assertThat(nodeLog).containsPattern("far node: left: finished \\d+ windows?, told 1 gateway\n")
                    .contains("far node: stopped; served");
        }
    }

    @Test
    void gatewayRefusesAPeerThatIsNotTheNodeItAskedFor() throws Exception {
        try (NodeProcess node = startNode("0:5", "c")) {
            PeerAddress real = node.ready().address();
            String impostor = real.host() + ":" + real.port() + "@" + "0".repeat(64);
            FarProcess.expectOneLineError(new String[] {"gateway", "--model", Stories260K.gguf().toString(),
                    "--peer", impostor, "--max-tokens", "5"}, "expected node " + "0".repeat(64) + " but the peer presented node " + real.nodeId());
        }
    }

    @Test
    void swarmRefusesMoreNodesThanLayers() throws Exception {
        FarProcess.expectOneLineError(new String[] {"swarm", "--model", Stories260K.gguf().toString(), "--nodes", "9"},
                "cannot split 5 layers among 9 nodes: use 1 to 5 nodes");
    }

    @Test
    void killingANodeMidGenerationStopsTheGatewayWithAnErrorNamingItsLayers() throws Exception {
        try (NodeProcess first = startNode("0:2", "d"); NodeProcess second = startNode("2:5", "e");
             LoadedModel model = LoadedModel.open(Stories260K.gguf(), null); CpuOps ops = new CpuOps(1)) {
            List<PeerAddress> peers = List.of(first.ready().address(), second.ready().address());
            try (PeerRoute route = PeerRoute.open(peers, ModelFingerprint.of(model.path()), 5, new Fp32Codec(), Duration.ofSeconds(60))) {
                Generator generator = new Generator(new GatewayModel(model.weights(), ops), model.tokenizer(), List.copyOf(route.stages()));
                List<Integer> seen = new ArrayList<>();
                assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                        assertThatThrownBy(() -> generator.generate("", 256, new SamplingSettings(0, 0, 1, 1), (id, text) -> {
                            seen.add(id);
                            if (seen.size() == 20) {
                                second.kill();
                            }
                        })).isInstanceOf(PeerException.class)
                                .hasMessageContaining("node " + second.ready().address().nodeId().substring(0, 12))
                                .hasMessageContaining("layers [2, 5) are unavailable"));
                assertThat(seen).hasSize(20);
            }
            assertThat(first.isAlive()).as("the other node keeps running").isTrue();
        }
    }

    private NodeProcess startNode(String layers, String name, String... more) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--model", Stories260K.gguf().toString(), "--layers", layers,
                "--host", "127.0.0.1", "--port", "0", "--data-dir", work.resolve(name).toString(), "--stop-on-stdin-close",
                "--threads", "1"));
        arguments.addAll(List.of(more));
        return NodeProcess.start(arguments, work.resolve(name + ".log"), Duration.ofSeconds(60));
    }
}
