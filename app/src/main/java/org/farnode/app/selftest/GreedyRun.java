package org.farnode.app.selftest;

import java.util.List;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.desktop.EmbeddedSwarm;
import org.farnode.app.desktop.LocalLoad;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;

/**
 * One greedy generation through the swarm's route, as the app's local gateway runs it, and the
 * proof that it went through every node: each node counted the positions it computed.
 *
 * @param promptTokens    tokens of the prompt, BOS included where the model wants it
 * @param tokens          tokens generated
 * @param nanos           from the first window sent to the last token (prefill and decode)
 * @param text            the generated text
 * @param codec           the codec hidden states crossed the hops in
 * @param nodePositions   positions each node counted, in the swarm's order (this node first)
 */
record GreedyRun(int promptTokens, int tokens, long nanos, String text, String codec, List<Long> nodePositions) {

    /**
     * Generates {@code tokens} tokens after {@code prompt} through {@code swarm} and checks them.
     *
     * @throws IllegalStateException fewer tokens came back, or a node did not compute every position once
     */
    static GreedyRun through(EmbeddedSwarm swarm, String prompt, int tokens) {
        // The codec the app's own gateway sends in, so that the test crosses the hops the way real traffic does.
        String codec = LocalLoad.CODEC;
        StringBuilder text = new StringBuilder();
        GenerationResult result;
        long nanos;
        try (PeerRoute route = swarm.openRoute(HiddenStateCodecs.byName(codec))) {
            Generator generator = new Generator(swarm.gateway(), swarm.model().tokenizer(), List.copyOf(route.hops()));
            int[] prompted = generator.promptTokens(prompt);
            long start = System.nanoTime();
            result = generator.generate(prompted, tokens, SamplingSettings.greedy(), (id, piece) -> text.append(piece));
            nanos = System.nanoTime() - start;
            route.closeSessions();
        }
        if (result.generatedTokens().length != tokens) {
            throw new IllegalStateException("the route gave " + result.generatedTokens().length + " tokens instead of " + tokens
                    + " (stopped: " + result.stopReason() + ")");
        }
        // Every prompt position and every generated token but the last went through every node once.
        long expected = result.promptTokens().length + tokens - 1L;
        List<Long> positions = swarm.members().stream().map(member -> member.service().traffic().positions()).toList();
        for (int i = 0; i < positions.size(); i++) {
            if (positions.get(i) != expected) {
                throw new IllegalStateException("node " + (i + 1) + " (layers " + swarm.members().get(i).layers() + ") counted "
                        + positions.get(i) + " positions, expected " + expected);
            }
        }
        return new GreedyRun(result.promptTokens().length, tokens, nanos, text.toString(), codec, positions);
    }

    double tokensPerSecond() {
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }
}
