package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.farnode.app.codec.BlockQuantizedCodec;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.peer.HopTraffic;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.MessageCodec;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.testing.BytePatterns;
import org.farnode.app.testing.ForwardingCodec;
import org.farnode.app.testing.LocalNodes;
import org.farnode.app.testing.RecordingStage;
import org.junit.jupiter.api.Test;

/** Generation through real node servers on loopback sockets, with TLS, against the same model run in one process. */
class PeerRouteTest {
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static int[] localGreedy(LocalNodes nodes, String prompt, int maxTokens) {
        ShardStage all = new ShardRunner(nodes.model().weights(), LayerRange.all(5), nodes.ops()).openSession();
        Generator generator = new Generator(new GatewayModel(nodes.model().weights(), nodes.ops()), nodes.model().tokenizer(), List.of(all));
        return generator.generate(prompt, maxTokens, GREEDY, (id, text) -> { }).generatedTokens();
    }

    private static GenerationResult remoteGreedy(LocalNodes nodes, PeerRoute route, String prompt, int maxTokens) {
        Generator generator = new Generator(new GatewayModel(nodes.model().weights(), nodes.ops()), nodes.model().tokenizer(),
                List.copyOf(route.stages()));
        return generator.generate(prompt, maxTokens, GREEDY, (id, text) -> { });
    }

    @Test
    void twoNodesGiveTheSameTokensAsOneProcessAndBothEndsCountTheSameBytes() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(2, 5)), nodes.start(new LayerRange(0, 2)));
            int[] expected = localGreedy(nodes, "", 256);
            try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                assertThat(route.stages()).extracting(RemoteShardStage::layers)
                        .containsExactly(new LayerRange(0, 2), new LayerRange(2, 5));
                GenerationResult result = remoteGreedy(nodes, route, "", 256);
                assertThat(result.generatedTokens()).containsExactly(expected);
                route.closeSessions();
                for (RemoteShardStage stage : route.stages()) {
                    HopTraffic seen = stage.traffic();
                    PeerMessage.SessionClosed node = stage.nodeReport();
                    assertThat(node.bytesReceived()).as("bytes the node received = bytes the gateway sent").isEqualTo(seen.bytesSent());
                    assertThat(node.bytesSent()).as("bytes the node sent = bytes the gateway received").isEqualTo(seen.bytesReceived());
                    assertThat(node.windows()).isEqualTo(seen.windows()).isEqualTo(1 + 255);
                    assertThat(node.positions()).isEqualTo(seen.positions()).isEqualTo(1 + 255);
                    // OpenSession + 256 Forward + CloseSession, each window one 64-float position in fp32 and its checksum
                    assertThat(seen.bytesSent()).isEqualTo(MessageCodec.frameSize(new PeerMessage.OpenSession(1, 1))
                            + 256L * (26 + 64 * 4 + 4) + MessageCodec.frameSize(new PeerMessage.CloseSession(1)));
                }
            }
        }
    }

    /** int8, counting what the gateway encodes and decodes. */
    private static final class CountingInt8 extends ForwardingCodec {
        private final AtomicInteger encoded = new AtomicInteger();
        private final AtomicInteger decoded = new AtomicInteger();

        CountingInt8() {
            super(BlockQuantizedCodec.int8());
        }

        @Override
        public byte[] encode(HiddenStates states, int boundary) {
            encoded.incrementAndGet();
            return super.encode(states, boundary);
        }

        @Override
        public HiddenStates decode(byte[] bytes, int positions, int width, int boundary) {
            decoded.incrementAndGet();
            return super.decode(bytes, positions, width, boundary);
        }
    }

    @Test
    void theGatewayRelaysAHopsPayloadToTheNextWithoutDecodingIt() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(0, 2)), nodes.start(new LayerRange(2, 4)),
                    nodes.start(new LayerRange(4, 5)));
            CountingInt8 codec = new CountingInt8();
            try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), 5, codec, TIMEOUT)) {
                GenerationResult result = remoteGreedy(nodes, route, "Once upon a time", 40);
                int windows = 1 + result.generatedTokens().length - 1; // the prompt's one window, then one per token after the first
                assertThat(codec.encoded.get()).as("encodes: the first hop's input only").isEqualTo(windows);
                assertThat(codec.decoded.get()).as("decodes: the last hop's output only").isEqualTo(windows);
                // The nodes decode and check every window, relayed or not: the text is stories260K's, not noise.
                assertThat(nodes.model().tokenizer().decode(result.generatedTokens())).contains(" ");
            }
        }
    }

    @Test
    void truncationForgetsPositionsSoTheyCanBeComputedAgain() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            PeerAddress peer = nodes.start(new LayerRange(0, 5));
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
            try (PeerRoute route = PeerRoute.open(List.of(peer), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                RemoteShardStage stage = route.stages().getFirst();
                float[] first = stage.forward(0, gateway.embed(new int[] {1, 400, 401})).values();
                stage.truncate(1); // as after a rejected speculation: keep position 0 only
                float[] again = stage.forward(1, gateway.embed(new int[] {400, 401})).values();
                assertThat(again).containsExactly(java.util.Arrays.copyOfRange(first, 64, 3 * 64));
                float[] other = stage.forward(3, gateway.embed(new int[] {402})).values();
                assertThat(other).hasSize(64);
            }
        }
    }

    @Test
    void aWindowThatStartsBeforeTheCachedPositionsDropsThemInTheSameTrip() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            PeerAddress peer = nodes.start(new LayerRange(0, 5));
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
            try (PeerRoute route = PeerRoute.open(List.of(peer), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                RemoteShardStage rewound = route.stages().getFirst();
                rewound.forward(0, gateway.embed(new int[] {1, 400, 401, 77, 88})); // 77, 88: rejected drafts
                rewound.forgetBeforeNextWindow(3);
                long trips = rewound.traffic().windows();
                float[] afterRewind = rewound.forward(3, gateway.embed(new int[] {402, 403})).values();
                assertThat(rewound.traffic().windows()).as("one more window, no truncation trip").isEqualTo(trips + 1);
                float[] later = rewound.forward(5, gateway.embed(new int[] {404})).values();
                try (PeerRoute fresh = PeerRoute.open(List.of(peer), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                    RemoteShardStage direct = fresh.stages().getFirst();
                    direct.forward(0, gateway.embed(new int[] {1, 400, 401}));
                    assertThat(afterRewind).containsExactly(direct.forward(3, gateway.embed(new int[] {402, 403})).values());
                    assertThat(later).containsExactly(direct.forward(5, gateway.embed(new int[] {404})).values());
                }
            }
        }
    }

    @Test
    void fp16HiddenStatesHalveTheWindowBytes() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(0, 5)));
            long[] sent = new long[2];
            HiddenStateCodec[] codecs = {new Fp32Codec(), new Fp16Codec()};
            for (int i = 0; i < 2; i++) {
                try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), 5, codecs[i], TIMEOUT)) {
                    assertThat(remoteGreedy(nodes, route, "Once upon a time", 20).generatedTokens()).hasSize(20);
                    sent[i] = route.stages().getFirst().traffic().bytesSent();
                }
            }
            assertThat(sent[1]).as("fp16 bytes sent against fp32's %d", sent[0]).isLessThan(sent[0] * 6 / 10);
        }
    }

    @Test
    void sixteenConcurrentSessionsOnTwoNodesEachGetTheirOwnCorrectOutput() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(0, 3)), nodes.start(new LayerRange(3, 5)));
            String[] prompts = new String[16];
            int[][] expected = new int[16][];
            for (int i = 0; i < 16; i++) {
                prompts[i] = i % 2 == 0 ? "Once upon a time" + " there was".repeat(i / 2) : "Lily " + "and Tom ".repeat(i / 2);
                expected[i] = localGreedy(nodes, prompts[i], 48);
            }
            ExecutorService gateways = Executors.newFixedThreadPool(16);
            try {
                List<Future<int[]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    String prompt = prompts[i];
                    results.add(gateways.submit(() -> {
                        try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                            return remoteGreedy(nodes, route, prompt, 48).generatedTokens();
                        }
                    }));
                }
                for (int i = 0; i < 16; i++) {
                    assertThat(results.get(i).get(2, TimeUnit.MINUTES)).as("session %d: %s", i, prompts[i]).containsExactly(expected[i]);
                }
            } finally {
                gateways.shutdownNow();
            }
        }
    }

    @Test
    void aNodeReceivesOnlyProtocolFramingAndEncodedHiddenStates() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            PeerAddress peer = nodes.start(new LayerRange(0, 5), NodeSettings.defaults(),
                    (connection, bytes) -> { synchronized (received) { received.writeBytes(bytes); } });
            HiddenStateCodec codec = new Fp32Codec();
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
            ByteBuf expected = Unpooled.buffer();
            GenerationResult result;
            try (PeerRoute route = PeerRoute.open(List.of(peer), nodes.modelId(), 5, codec, TIMEOUT)) {
                RemoteShardStage stage = route.stages().getFirst();
                result = remoteGreedy(nodes, route, "Once upon a time", 30);
                route.closeSessions();
                // Rebuild, from what the gateway knows, the exact byte stream it should have sent:
                // the handshake, the session, and for each window the embeddings of its tokens.
                long session = stage.sessionId();
                MessageCodec.encode(new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()), expected);
                MessageCodec.encode(new PeerMessage.OpenSession(session, codec.id()), expected);
                int[] prompt = result.promptTokens();
                MessageCodec.encode(new PeerMessage.Forward(session, 0, prompt.length, codec.id(),
                        codec.encode(gateway.embed(prompt), 0)), expected);
                int[] generated = result.generatedTokens();
                for (int i = 0; i < generated.length - 1; i++) {
                    MessageCodec.encode(new PeerMessage.Forward(session, prompt.length + i, 1, codec.id(),
                            codec.encode(gateway.embed(new int[] {generated[i]}), 0)), expected);
                }
                MessageCodec.encode(new PeerMessage.CloseSession(session), expected);
            }
            byte[] wanted = drain(expected);
            byte[] stream = copyOf(received);
            assertThat(stream).as("every byte the node received").isEqualTo(wanted);
            // The same, spelled out for the gateway's tables: no row of the embedding table or the LM head,
            // in any encoding, but those of the tokens whose embeddings went into layer 0 (stories260K's
            // head is tied to its embedding table, so the head's rows of those tokens are the same bytes;
            // --local-layers keeps even these rows on the gateway).
            Set<Integer> sentTokens = sentTokens(result);
            assertThat(BytePatterns.tableRowsIn(stream, nodes.model().weights(), nodes.ops(), row -> !sentTokens.contains(row)))
                    .as("rows of the embedding table or the LM head the node received").isEmpty();
            float[] sentRow = BytePatterns.row(nodes.ops(), nodes.model().weights().tokenEmbedding(), result.promptTokens()[1], 64);
            assertThat(BytePatterns.occurrences(stream, BytePatterns.of(sentRow, 0), "a prompt token's embedding"))
                    .as("the search finds the row of a token that was sent")
                    .singleElement(InstanceOfAssertFactories.STRING).startsWith("a prompt token's embedding as fp32 little-endian");
        }
    }

    /** The tokens whose embeddings a route without local layers sends: the prompt's, and each generated one but the last. */
    private static Set<Integer> sentTokens(GenerationResult result) {
        Set<Integer> tokens = new HashSet<>();
        for (int token : result.promptTokens()) {
            tokens.add(token);
        }
        int[] generated = result.generatedTokens();
        for (int i = 0; i < generated.length - 1; i++) {
            tokens.add(generated[i]);
        }
        return tokens;
    }

    private static List<ShardStage> localThenRemote(ShardStage local, PeerRoute route) {
        List<ShardStage> stages = new ArrayList<>();
        stages.add(local);
        stages.addAll(route.stages());
        return stages;
    }

    @Test
    void withTheFirstTwoLayersOnTheGatewayTheTokensAreExactlyThoseWithoutAndTheRouteStartsAtLayerTwo() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(0, 2)), nodes.start(new LayerRange(4, 5)),
                    nodes.start(new LayerRange(2, 4)), nodes.start(new LayerRange(0, 5)));
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
            int[] withLocalLayers;
            try (ShardSession local = new ShardRunner(nodes.model().weights(), new LayerRange(0, 2), nodes.ops()).openSession();
                 PeerRoute route = PeerRoute.open(peers, nodes.modelId(), new LayerRange(2, 5), new Fp32Codec(), TIMEOUT)) {
                assertThat(route.stages()).extracting(RemoteShardStage::layers)
                        .containsExactly(new LayerRange(2, 4), new LayerRange(4, 5));
                withLocalLayers = new Generator(gateway, nodes.model().tokenizer(), localThenRemote(local, route))
                        .generate("", 256, GREEDY, (id, text) -> { }).generatedTokens();
            }
            assertThat(nodes.server(0).service().traffic().windows()).as("windows to the node of [0, 2)").isZero();
            assertThat(nodes.server(3).service().traffic().windows()).as("windows to the node of [0, 5)").isZero();
            int[] withoutLocalLayers;
            try (PeerRoute route = PeerRoute.open(peers.subList(0, 3), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                withoutLocalLayers = remoteGreedy(nodes, route, "", 256).generatedTokens();
            }
            assertThat(withLocalLayers).hasSize(256).containsExactly(withoutLocalLayers);
            assertThat(withLocalLayers).containsExactly(localGreedy(nodes, "", 256));
        }
    }

    @Test
    void withTheFirstTwoLayersOnTheGatewayTheFirstNodeReceivesTheirOutputAndNeverAnEmbedding() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            PeerAddress first = nodes.start(new LayerRange(2, 4), NodeSettings.defaults(),
                    (connection, bytes) -> { synchronized (received) { received.writeBytes(bytes); } });
            PeerAddress last = nodes.start(new LayerRange(4, 5));
            HiddenStateCodec codec = new Fp32Codec();
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
            ByteBuf expected = Unpooled.buffer();
            GenerationResult result;
            try (RecordingStage local = new RecordingStage(
                         new ShardRunner(nodes.model().weights(), new LayerRange(0, 2), nodes.ops()).openSession());
                 PeerRoute route = PeerRoute.open(List.of(last, first), nodes.modelId(), new LayerRange(2, 5), codec, TIMEOUT)) {
                result = new Generator(gateway, nodes.model().tokenizer(), localThenRemote(local, route))
                        .generate("Once upon a time", 30, GREEDY, (id, text) -> { });
                route.closeSessions();
                // The exact stream the first node should have received: the handshake, the session, and for
                // each window the hidden states the gateway's own layers 0 and 1 computed, encoded at boundary 2.
                long session = route.stages().getFirst().sessionId();
                MessageCodec.encode(new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()), expected);
                MessageCodec.encode(new PeerMessage.OpenSession(session, codec.id()), expected);
                int position = 0;
                // The prompt's window, then one per generated token but the last.
                assertThat(local.outputs()).hasSize(result.generatedTokens().length);
                for (HiddenStates computed : local.outputs()) {
                    MessageCodec.encode(new PeerMessage.Forward(session, position, computed.positions(), codec.id(),
                            codec.encode(computed, 2)), expected);
                    position += computed.positions();
                }
                MessageCodec.encode(new PeerMessage.CloseSession(session), expected);
            }
            byte[] wanted = drain(expected);
            byte[] stream = copyOf(received);
            assertThat(stream).as("every byte the first node received").isEqualTo(wanted);
            assertThat(BytePatterns.tableRowsIn(stream, nodes.model().weights(), nodes.ops(), row -> true))
                    .as("rows of the embedding table or the LM head the first node received").isEmpty();
            assertThat(result.generatedTokens()).containsExactly(localGreedy(nodes, "Once upon a time", 30));
        }
    }

    @Test
    void equivalentNodesEachServeTheirShareOfSessionsAndAFixedSeedRepeatsTheChoice() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(0, 2)), nodes.start(new LayerRange(0, 2)),
                    nodes.start(new LayerRange(2, 5)), nodes.start(new LayerRange(2, 5)));
            Map<String, Integer> sessions = new HashMap<>();
            int routes = 40;
            for (int i = 0; i < routes; i++) {
                try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                    assertThat(route.stages()).extracting(RemoteShardStage::layers)
                            .containsExactly(new LayerRange(0, 2), new LayerRange(2, 5));
                    route.stages().forEach(stage -> sessions.merge(stage.peer().address().nodeId(), 1, Integer::sum));
                }
            }
            // Each node's count is binomial(40, 1/2), expected 20. It must be at least 8 (20% of its range's sessions):
            // at most 7 has a chance of 2e-5 per node (a bound of 25% would fail once in some 700 runs).
            for (int i = 0; i < peers.size(); i++) {
                assertThat(sessions.getOrDefault(peers.get(i).nodeId(), 0)).as("sessions of node %d of %s", i + 1, sessions)
                        .isGreaterThanOrEqualTo(routes / 5);
            }
            assertThat(sessions.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2 * routes);

            List<List<String>> seeded = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                Random seed = new Random(20240601);
                List<String> chosen = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), LayerRange.all(5), new Fp32Codec(), TIMEOUT, seed)) {
                        chosen.add(String.join(",", route.stages().stream().map(s -> s.peer().address().nodeId()).toList()));
                    }
                }
                seeded.add(chosen);
            }
            assertThat(seeded.get(1)).as("the same seed, the same nodes").isEqualTo(seeded.get(0));
            assertThat(seeded.get(0).stream().distinct().count()).as("a seeded choice still varies").isGreaterThan(1);
        }
    }

    /** The bytes of {@code buffer}, which is then released. */
    private static byte[] drain(ByteBuf buffer) {
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        buffer.release();
        return bytes;
    }

    /** What a node's audit has captured so far (it writes from the node's network thread). */
    private static byte[] copyOf(ByteArrayOutputStream received) {
        synchronized (received) {
            return received.toByteArray();
        }
    }
}
