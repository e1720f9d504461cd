package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.peer.PeerException;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The desktop app's node without a display: the embedded swarm of real servers, Try it, the dashboard's readings, pause and snooze. */
class EmbeddedSwarmTest {
    @TempDir
    Path folder;

    private OperatorSettings settings() {
        return OperatorSettings.defaults().withModelFile(Stories260K.gguf().toString());
    }

    @Test
    void tryItThroughTheSwarmGivesTheReferenceGreedyTextWithEachHopsBytes() throws Exception {
        List<String> steps = new ArrayList<>();
        try (DesktopNode node = DesktopNode.start(settings().withModelFile(Stories260K.gguf().toString()), folder,
                new ActivityLog(), steps::add)) {
            assertThat(steps).anyMatch(step -> step.startsWith("Starting this node (layers [0, 2))"));
            StringBuilder text = new StringBuilder();
            List<TryIt.HopRow> lastHops = new ArrayList<>();
            TryIt.Summary summary = TryIt.run(node.swarm(), "", 256, "fp32", false, (piece, hops) -> {
                text.append(piece);
                lastHops.clear();
                lastHops.addAll(hops);
            });
            assertThat(text.toString().strip()).isEqualTo(Stories260K.greedyText256().strip());
            assertThat(summary.generatedTokens()).isEqualTo(256);
            assertThat(summary.tokensPerRoundTrip()).isEqualTo(1.0);
            assertThat(summary.hops()).extracting(TryIt.HopRow::layers).containsExactly("[0, 2)", "[2, 4)", "[4, 5)");
            assertThat(summary.hops()).allSatisfy(hop -> assertThat(hop.bytesSent()).isPositive());

            TryIt.Summary speculated = TryIt.run(node.swarm(), "", 256, "fp16", true, (piece, hops) -> { });
            assertThat(speculated.tokensPerRoundTrip()).as("prompt lookup gains tokens per trip").isGreaterThan(1.0);
        }
    }

    @Test
    void theSamplerReadsEveryNodeWithItsPingAndThisNodesRatesAndConnections() throws Exception {
        try (DesktopNode node = DesktopNode.start(settings(), folder, new ActivityLog(), step -> { });
             DashboardSampler sampler = new DashboardSampler(node)) {
            node.startLocalLoad();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            DashboardSnapshot snapshot = sampler.sample();
            while (snapshot.totalTokens() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                snapshot = sampler.sample();
            }
            Thread.sleep(1000);
            snapshot = sampler.sample();
            assertThat(snapshot.rates().tokensPerSecond()).isPositive();
            node.stopLocalLoad();
            assertThat(sampler.sample().totalTokens()).as("the node's own count, once still")
                    .isEqualTo(node.swarm().thisNode().service().traffic().positions());
            assertThat(snapshot.peers()).hasSize(3);
            assertThat(snapshot.peers().getFirst().thisNode()).isTrue();
            assertThat(snapshot.peers()).allSatisfy(peer -> assertThat(peer.latency()).isPresent());
            assertThat(snapshot.connections()).as("the local gateway and the latency probe").hasSize(2);
            assertThat(snapshot.connections()).allSatisfy(c -> assertThat(c.tls()).startsWith("TLSv1.3"));
        }
    }

    @Test
    void pauseRefusesWindowsAndASnoozeEndsByItself() throws Exception {
        ActivityLog log = new ActivityLog();
        try (DesktopNode node = DesktopNode.start(settings(), folder, log, step -> { });
             var route = node.swarm().openRoute(org.farnode.app.codec.HiddenStateCodecs.byName("fp32"))) {
            var first = route.stages().getFirst();
            var window = node.swarm().gateway().embed(new int[] {1});
            node.control().snooze(Duration.ofMillis(800));
            assertThat(node.control().state()).isEqualTo(NodeControl.State.SNOOZED);
            assertThat(node.control().snoozedUntil()).isNotNull();
            assertThatThrownBy(() -> first.forward(0, window))
                    .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NODE_PAUSED));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (node.control().state() != NodeControl.State.SERVING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(node.control().state()).as("serving after the snooze").isEqualTo(NodeControl.State.SERVING);
            assertThat(first.forward(0, window).positions()).isEqualTo(1);
            assertThat(log.entries()).extracting(ActivityLog.Entry::message)
                    .anyMatch(m -> m.startsWith("snoozed until")).contains("serving again");
            assertThatThrownBy(() -> node.control().snooze(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void chosenLayersAndABusyPortAreAppliedOrRefusedClearly() throws Exception {
        try (DesktopNode node = DesktopNode.start(settings().withLayers("2:4"), folder, new ActivityLog(), step -> { })) {
            assertThat(node.swarm().thisNode().layers()).isEqualTo(new LayerRange(2, 4));
            assertThat(node.swarm().members()).extracting(EmbeddedSwarm.SwarmMember::layers)
                    .containsExactly(new LayerRange(2, 4), new LayerRange(0, 2), new LayerRange(4, 5));
        }
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> DesktopNode.start(settings().withListenPort(busy.getLocalPort()), folder, new ActivityLog(),
                    step -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot listen on port " + busy.getLocalPort())
                    .hasMessageContaining("or 0 for any free one");
        }
        assertThatThrownBy(() -> DesktopNode.start(OperatorSettings.defaults(), folder, new ActivityLog(), step -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no model file is chosen");
    }

    @Test
    void thisNodeKeepsItsIdentityAcrossStarts() throws Exception {
        String first;
        try (DesktopNode node = DesktopNode.start(settings(), folder, new ActivityLog(), step -> { })) {
            first = node.swarm().thisNode().address().nodeId();
        }
        try (DesktopNode node = DesktopNode.start(settings(), folder, new ActivityLog(), step -> { })) {
            assertThat(node.swarm().thisNode().address().nodeId()).isEqualTo(first);
            assertThat(node.swarm().members().get(1).address().nodeId()).isNotEqualTo(first);
        }
    }

    @Test
    void savedSettingsApplyToTheRunningNodeAtOnce() throws Exception {
        OperatorSettings base = settings();
        // A slot on another day than today: the node is outside its schedule now.
        var otherDay = java.time.LocalDate.now().getDayOfWeek().plus(3);
        OperatorSettings changed = new OperatorSettings(base.device(), base.backend(), base.vramCapMib(), 40, 8, 16, 0,
                base.listenPort(), base.bootstrapPeers(), base.modelFile(), base.layers(), false,
                List.of(new org.farnode.app.settings.WeeklySlot(otherDay, java.time.LocalTime.of(10, 0), java.time.LocalTime.of(11, 0))),
                false, true);
        try (DesktopNode node = DesktopNode.start(base, folder, new ActivityLog(), step -> { })) {
            var thisNode = node.swarm().thisNode();
            node.apply(changed);
            assertThat(thisNode.service().computeShare()).isEqualTo(40);
            assertThat(thisNode.server().uploadLimit()).as("8 Mbit/s in bytes/s").isEqualTo(1_000_000);
            assertThat(thisNode.server().downloadLimit()).isEqualTo(2_000_000);
            awaitState(node, NodeControl.State.HELD);
            assertThat(node.control().holdReason()).startsWith("outside the weekly schedule");
            assertThat(thisNode.service().isPaused()).isTrue();

            node.apply(base);
            awaitState(node, NodeControl.State.SERVING);
            assertThat(thisNode.service().computeShare()).isEqualTo(100);
            assertThat(thisNode.server().uploadLimit()).isZero();
        }
    }

    private static void awaitState(DesktopNode node, NodeControl.State expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3 * RuleKeeper.PERIOD_SECONDS).toNanos();
        while (node.control().state() != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(node.control().state()).isEqualTo(expected);
    }
}
