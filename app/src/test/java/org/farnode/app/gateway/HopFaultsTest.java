package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.node.InjectedFault;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nodes that misbehave on purpose ({@link InjectedFault}) in the middle hop of a route through
 * real nodes on loopback: stalled and silent nodes are left for a spare, corrupting ones are caught
 * by verification and banned, and the greedy text is the stories260K reference every time.
 */
class HopFaultsTest {
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 1);
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(60);
    private static final LayerRange MIDDLE = new LayerRange(2, 4);
    /** Deadlines short enough for a test, long enough for a busy 2-core machine. */
    private static final StallPolicy QUICK_STALLS = new StallPolicy(Duration.ofMillis(1500), 10, 4);

    @Test
    void aNodeThatStallsMidGenerationIsLeftForASpareLongBeforeThePeerTimeout() throws Exception {
        long started = System.nanoTime();
        Outcome outcome = generate(2, InjectedFault.Kind.SLOW, 40, 0, new Fp16Codec());

        assertThat(outcome.text).isEqualTo(Stories260K.greedyText256().strip());
        assertThat(outcome.lostNodes).containsExactly(outcome.faultyNode);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the stall was seen by its deadline, not the peer timeout")
                .isLessThan(PEER_TIMEOUT);
    }

    @Test
    void aNodeThatDropsAnswersMidGenerationIsLeftForASpare() throws Exception {
        Outcome outcome = generate(2, InjectedFault.Kind.DROP, 40, 0, new Fp16Codec());

        assertThat(outcome.text).isEqualTo(Stories260K.greedyText256().strip());
        assertThat(outcome.lostNodes).containsExactly(outcome.faultyNode);
    }

    @Test
    void aCorruptingNodeIsOutvotedBannedAndReplacedAndTheTextStaysTheReference() throws Exception {
        Outcome outcome = generate(3, InjectedFault.Kind.CORRUPT, 30, 1.0, new Fp16Codec());

        assertThat(outcome.text).isEqualTo(Stories260K.greedyText256().strip());
        assertThat(outcome.bans.isBanned(outcome.faultyNode)).isTrue();
        assertThat(outcome.checks.banned()).isEqualTo(1);
        assertThat(outcome.checks.disagreed()).isGreaterThanOrEqualTo(1);
        assertThat(outcome.lostNodes).containsExactly(outcome.faultyNode);
    }

    @Test
    void aCorruptingCheckerIsOutvotedAndBannedWhileTheHopKeepsItsHonestNode() throws Exception {
        Outcome outcome = generate(3, InjectedFault.Kind.CORRUPT, 30, 1.0, new Fp16Codec(), true);

        assertThat(outcome.text).isEqualTo(Stories260K.greedyText256().strip());
        assertThat(outcome.bans.isBanned(outcome.faultyNode)).isTrue();
        assertThat(outcome.checks.banned()).isEqualTo(1);
        assertThat(outcome.lostNodes).as("the hop's own node was right").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fp32", "fp16", "int8", "int4"})
    void honestNodesAlwaysAgreeAlsoWhenTheCheckerComputesSeveralPositionsInOneWindow(String codecName) throws Exception {
        // A fraction below 1: the checker catches up on the windows it skipped in one longer window, so its sums differ.
        Outcome outcome = generate(2, InjectedFault.Kind.NONE, 0, 0.3, HiddenStateCodecs.byName(codecName));

        if (codecName.startsWith("fp")) { // int8 and int4 round the hidden states enough to change stories260K's greedy text
            assertThat(outcome.text).isEqualTo(Stories260K.greedyText256().strip());
        }
        assertThat(outcome.checks.checked()).as("windows checked").isGreaterThan(40);
        assertThat(outcome.checks.disagreed()).isZero();
        assertThat(outcome.lostNodes).isEmpty();
        // The figure docs/reliability.md gives for the margin under each codec's tolerance.
        System.out.printf("honest nodes, codec %s: %d windows checked, largest relative difference %.3g (tolerance %s)%n",
                codecName, outcome.checks.checked(), outcome.checks.largestAgreedDifference(),
                ResultComparison.toleranceFor(codecName));
    }

    private record Outcome(String text, List<String> lostNodes, String faultyNode, FailoverStage.CheckCounts checks,
                           PeerBans bans) {
    }

    /**
     * Generates the 256-token greedy text through [0,2), {@code middleNodes} nodes serving [2,4),
     * and [4,5); the middle node the route picks gets {@code fault} after {@code afterWindows}
     * windows, and {@code fraction} of the middle hop's windows are checked.
     */
    private static Outcome generate(int middleNodes, InjectedFault.Kind fault, int afterWindows, double fraction,
                                    HiddenStateCodec codec) throws Exception {
        return generate(middleNodes, fault, afterWindows, fraction, codec, false);
    }

    /** As above; with {@code faultOnChecker}, the fault goes to the node that checks the picked one instead. */
    private static Outcome generate(int middleNodes, InjectedFault.Kind fault, int afterWindows, double fraction,
                                    HiddenStateCodec codec, boolean faultOnChecker) throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = new ArrayList<>();
            peers.add(nodes.start(new LayerRange(0, 2)));
            for (int i = 0; i < middleNodes; i++) {
                peers.add(nodes.start(MIDDLE));
            }
            peers.add(nodes.start(new LayerRange(4, 5)));
            PeerBans bans = new PeerBans(Clock.systemUTC());
            int width = nodes.model().config().embeddingLength();
            VerificationPolicy verification = fraction == 0 ? VerificationPolicy.off()
                    : VerificationPolicy.of(fraction, width, codec.name()).withChoice(new SplittableRandom(7));
            HopPolicy policy = new HopPolicy(QUICK_STALLS, verification, bans);
            try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), new LayerRange(0, 5), codec, PEER_TIMEOUT,
                    new SplittableRandom(11), policy)) {
                RemoteShardStage picked = route.stages().get(1);
                PeerAddress faulty = faultOnChecker ? route.hops().get(1).spares().getFirst().address() : picked.peer().address();
                nodes.server(peers.indexOf(faulty)).service().injectFault(
                        InjectedFault.of(fault, 1.0, afterWindows, Duration.ofMinutes(10), 3));
                Generator generator = new Generator(new GatewayModel(nodes.model().weights(), nodes.ops()),
                        nodes.model().tokenizer(), List.copyOf(route.hops()));
                StringBuilder text = new StringBuilder();
                generator.generate("", 256, GREEDY, (id, piece) -> text.append(piece));
                FailoverStage middle = route.hops().get(1);
                List<String> lost = middle.lost().stream().map(s -> s.peer().address().nodeId()).toList();
                FailoverStage.CheckCounts checks = middle.checks();
                route.closeSessions();
                return new Outcome(text.toString().strip(), lost, faulty.nodeId(), checks, bans);
            }
        }
    }
}
