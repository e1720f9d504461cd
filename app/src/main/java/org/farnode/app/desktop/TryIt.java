package org.farnode.app.desktop;

import java.util.List;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.FailoverStage;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.speculative.Speculation;

/**
 * The app's "Try it": one greedy generation through the embedded swarm, as a user's gateway runs
 * it, reporting the text as it streams and each hop's bytes after every token. With prompt lookup
 * the text is the same and comes in fewer round trips.
 */
public final class TryIt {
    /** Most tokens drafted per trip with prompt lookup. */
    private static final int MAX_DRAFT = 8;

    private TryIt() {
    }

    /** Where a run reports; called on the generating thread. */
    public interface Listener {
        /** A piece of generated text (possibly empty), and each hop's traffic so far. */
        void progress(String text, List<HopRow> hops);
    }

    /** One hop's traffic: the node, its layers, bytes each way (whole frames), windows sent. */
    public record HopRow(String nodeId, String layers, long bytesSent, long bytesReceived, int windows) {
        static HopRow of(RemoteShardStage stage) {
            var traffic = stage.traffic();
            return new HopRow(stage.peer().address().nodeId(), stage.layers().toString(), traffic.bytesSent(),
                    traffic.bytesReceived(), traffic.windows());
        }
    }

    /**
     * How a run went.
     *
     * @param generatedTokens   tokens generated
     * @param tokensPerRoundTrip tokens gained per trip through the route while decoding (1 without speculation)
     * @param decodeTokensPerSecond decode speed
     * @param stopReason        why it stopped
     * @param hops              each hop's traffic for the whole run
     */
    public record Summary(int generatedTokens, double tokensPerRoundTrip, double decodeTokensPerSecond,
                          GenerationResult.StopReason stopReason, List<HopRow> hops) {
    }

    /**
     * Generates up to {@code maxTokens} greedy tokens after {@code prompt} through {@code swarm}
     * in {@code codec} ({@code fp32}, {@code fp16}, {@code int8}, {@code int4}).
     *
     * @throws IllegalArgumentException a prompt that does not fit the model's context, or a bad token count
     */
    public static Summary run(EmbeddedSwarm swarm, String prompt, int maxTokens, String codec, boolean promptLookup,
                              Listener listener) {
        if (maxTokens < 1 || maxTokens > swarm.model().config().contextLength() - 1) {
            throw new IllegalArgumentException("tokens to generate must be 1.." + (swarm.model().config().contextLength() - 1)
                    + ", got " + maxTokens);
        }
        try (PeerRoute route = swarm.openRoute(HiddenStateCodecs.byName(codec))) {
            // Through the hops, so that a node lost mid-run is replaced by a spare where the swarm has one.
            List<FailoverStage> hops = route.hops();
            Generator generator = new Generator(swarm.gateway(), swarm.model().tokenizer(), List.copyOf(hops));
            int[] prompted = generator.promptTokens(prompt);
            Speculation speculation = promptLookup ? Speculation.promptLookup(MAX_DRAFT) : null;
            GenerationResult result = generator.generate(prompted, maxTokens, new SamplingSettings(0f, 0, 1f, 0),
                    (id, text) -> listener.progress(text, rows(hops)), speculation);
            route.closeSessions();
            double perTrip = speculation == null ? 1.0 : speculation.stats().tokensPerRoundTrip();
            return new Summary(result.generatedTokens().length, perTrip, result.decodeTokensPerSecond(), result.stopReason(),
                    rows(hops));
        }
    }

    /** Each hop's traffic on its current node. */
    private static List<HopRow> rows(List<FailoverStage> hops) {
        return hops.stream().map(hop -> HopRow.of(hop.current())).toList();
    }
}
