package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerException;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.MessageCodec;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.BytePatterns;
import org.farnode.app.testing.LocalNodes;
import org.farnode.app.testing.LogToFile;
import org.farnode.app.testing.RecordingStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node keeps of a session: its KV cache, in memory, until the session is closed or
 * expires. A real node, with its key pair in a data folder and everything it logs (every level)
 * going to a file, serves a session that is closed, one that expires, and a gateway that sends a
 * window without TLS; then no file it wrote, no log line and no event of its activity log holds a
 * hidden state it received or returned, the prompts, or their token ids, and its KV budget is
 * free again.
 */
class NodeKeepsSessionsInMemoryOnlyTest {
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final String PROMPT = "Zara the purple fox hid seven shiny pebbles under the old oak";
    private static final String IDLE_PROMPT = "Bruno the green frog counted twelve silver stars";

    @TempDir
    Path temp;

    @Test
    void noHiddenStatePromptOrTokenIdReachesADiskOrALogAndClosingOrExpiryFreesTheCache() throws Exception {
        Path dataDirectory = temp.resolve("node-data");
        Path logFile = temp.resolve("node.log");
        List<NodeEvent> events = new CopyOnWriteArrayList<>();
        List<HiddenStates> vectors = new ArrayList<>(); // what the node received and returned, in both sessions
        List<int[]> tokenIds = new ArrayList<>();
        List<String> texts = new ArrayList<>(List.of(PROMPT, IDLE_PROMPT));
        NodeSettings settings = NodeSettings.defaults().withKvBudgetBytes(64L << 20).withIdleTimeout(IDLE_TIMEOUT);
        try (LogToFile log = LogToFile.start(logFile); LocalNodes nodes = LocalNodes.stories260K()) {
            PeerAddress node = nodes.start(new LayerRange(0, 5), settings, NodeIdentity.loadOrCreate(dataDirectory), null);
            NodeService service = nodes.server(0).service();
            service.addEventListener(events::add);
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());

            // A session that generates from the prompt and is closed by its gateway.
            try (PeerRoute route = PeerRoute.open(List.of(node), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                RecordingStage stage = new RecordingStage(route.stages().getFirst());
                GenerationResult result = new Generator(gateway, nodes.model().tokenizer(), List.of(stage))
                        .generate(PROMPT, 24, GREEDY, (id, text) -> { });
                assertThat(service.freeKvBytes()).as("KV budget in use by the open session").isLessThan(settings.kvBudgetBytes());
                route.closeSessions();
                assertThat(service.openSessions()).as("sessions open after the close").isZero();
                assertThat(service.freeKvBytes()).as("free KV budget after the close").isEqualTo(settings.kvBudgetBytes());
                vectors.addAll(stage.inputs());
                vectors.addAll(stage.outputs());
                tokenIds.add(result.promptTokens());
                tokenIds.add(result.generatedTokens());
                texts.add(nodes.model().tokenizer().decode(result.generatedTokens()));
            }

            // A session left unused until the node wipes it.
            try (PeerRoute route = PeerRoute.open(List.of(node), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                int[] idlePrompt = new Generator(gateway, nodes.model().tokenizer(), List.of(route.stages().getFirst()))
                        .promptTokens(IDLE_PROMPT);
                HiddenStates window = gateway.embed(idlePrompt);
                vectors.add(window);
                vectors.add(route.stages().getFirst().forward(0, window));
                tokenIds.add(idlePrompt);
                assertThat(service.openSessions()).isEqualTo(1);
                assertThat(service.freeKvBytes()).isLessThan(settings.kvBudgetBytes());
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (service.openSessions() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(service.openSessions()).as("sessions open after the idle timeout").isZero();
                assertThat(service.freeKvBytes()).as("free KV budget after the expiry").isEqualTo(settings.kvBudgetBytes());
                assertThat(events).extracting(NodeEvent::kind).contains(NodeEvent.Kind.SESSION_EXPIRED);
                assertThatThrownBy(() -> route.stages().getFirst().forward(idlePrompt.length, gateway.embed(new int[] {1})))
                        .isInstanceOf(PeerException.class)
                        .extracting(e -> ((PeerException) e).code()).isEqualTo(ErrorCode.SESSION_EXPIRED);
            }

            // A gateway that speaks the protocol without TLS: its first frame carries the prompt's first hidden states.
            ByteBuf frame = Unpooled.buffer();
            MessageCodec.encode(new PeerMessage.Forward(7, 0, 1, Fp32Codec.ID,
                    new Fp32Codec().encode(vectors.getFirst().last(), 0)), frame);
            try (Socket plain = new Socket(node.host(), node.port())) {
                OutputStream out = plain.getOutputStream();
                out.write(ByteBufUtil.getBytes(frame));
                out.flush();
                plain.setSoTimeout((int) TIMEOUT.toMillis());
                plain.getInputStream().readAllBytes(); // until the node hangs up
            } finally {
                frame.release();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (events.stream().noneMatch(e -> e.message().contains("connection closed after an error"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        String logged = Files.readString(logFile, StandardCharsets.UTF_8);
        assertThat(logged).as("the log holds the node's lines, so a leak would show in it")
                .contains("closing connection from 127.0.0.1");
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(temp)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(temp.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        assertThat(files.keySet()).as("files the node wrote").contains("node.log").anyMatch(name -> name.startsWith("node-data"));
        files.put("the node's events", events.stream().map(NodeEvent::message).collect(Collectors.joining("\n"))
                .getBytes(StandardCharsets.UTF_8));

        List<String> found = new ArrayList<>();
        files.forEach((name, bytes) -> {
            for (int v = 0; v < vectors.size(); v++) {
                HiddenStates states = vectors.get(v);
                for (int position = 0; position < states.positions(); position++) {
                    float[] row = states.row(position);
                    String what = name + ": window " + v + ", position " + position;
                    found.addAll(BytePatterns.occurrences(bytes, BytePatterns.of(row, 0), what));
                    found.addAll(BytePatterns.occurrences(bytes, asText(row), what));
                }
            }
            for (int[] ids : tokenIds) {
                found.addAll(BytePatterns.occurrences(bytes, idsAsText(ids), name + ": token ids " + Arrays.toString(ids)));
            }
            for (String text : texts) {
                found.addAll(BytePatterns.occurrences(bytes, Map.of("text", text.trim().getBytes(StandardCharsets.UTF_8)),
                        name + ": \"" + text.trim() + "\""));
            }
        });
        assertThat(found).as("hidden states, token ids or text found in %s", files.keySet()).isEmpty();
    }

    /** A vector's first values written out as numbers, the way a log line would print them. */
    private static Map<String, byte[]> asText(float[] row) {
        String first = Float.toString(row[0]);
        String second = Float.toString(row[1]);
        return Map.of("text, comma-separated", (first + ", " + second).getBytes(StandardCharsets.UTF_8),
                "text, space-separated", (first + " " + second).getBytes(StandardCharsets.UTF_8));
    }

    /** Token ids written out as a log line would print them (the first eight). */
    private static Map<String, byte[]> idsAsText(int[] ids) {
        int[] first = Arrays.copyOf(ids, Math.min(ids.length, 8));
        String comma = IntStream.of(first).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String space = IntStream.of(first).mapToObj(Integer::toString).collect(Collectors.joining(" "));
        String plain = IntStream.of(first).mapToObj(Integer::toString).collect(Collectors.joining(","));
        return Map.of("ids, comma-separated", comma.getBytes(StandardCharsets.UTF_8),
                "ids, space-separated", space.getBytes(StandardCharsets.UTF_8),
                "ids, comma-only", plain.getBytes(StandardCharsets.UTF_8));
    }
}
