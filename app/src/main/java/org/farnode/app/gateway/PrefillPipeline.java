package org.farnode.app.gateway;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.shard.Windows;

/**
 * Sends a prompt through the route in windows without waiting for a window to come back before
 * the next goes out. The gateway is the centre of a star, so a window goes to hop 1, comes back,
 * goes to hop 2, and so on: with a window per hop in flight at once, one hop computes window w
 * while the link to the next carries window w − 1 and the first link already carries w + 1. A
 * long prompt's time on a slow link then approaches one link's transfer of the whole prompt plus
 * one trip, rather than the sum over every hop. Between two remote hops a window is relayed as
 * the node returned it ({@link RouteWindow}).
 *
 * <p>A hop must receive a session's windows in position order. A window goes to hop h only when
 * it has come back from hop h − 1 and the window before it has gone to hop h: replies of
 * different hops complete on different threads, so their order alone would not guarantee it.
 */
final class PrefillPipeline {
    private PrefillPipeline() {
    }

    /**
     * Runs {@code prompt} through every stage of {@code route} in windows of at most {@code window}
     * positions and returns the last window's output (the hidden states the first generated token
     * is predicted from).
     */
    static HiddenStates run(GatewayModel gateway, List<ShardStage> route, int[] prompt, int window) {
        return run(gateway, route, 0, prompt, window);
    }

    /**
     * As {@link #run(GatewayModel, List, int[], int)} for {@code tokens} at positions from
     * {@code startPosition} on; with one window (a decode step's token and its drafts) this is the
     * window sent hop after hop.
     */
    static HiddenStates run(GatewayModel gateway, List<ShardStage> route, int startPosition, int[] tokens, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("a prefill window needs at least 1 position, got " + window);
        }
        List<CompletableFuture<Void>> sentToHop =
                new ArrayList<>(Collections.nCopies(route.size(), CompletableFuture.<Void>completedFuture(null)));
        CompletableFuture<RouteWindow> last = null;
        for (int from = 0, to; from < tokens.length; from = to) {
            int start = startPosition + from;
            to = from + Math.min(window, tokens.length - from);
            CompletableFuture<RouteWindow> states =
                    CompletableFuture.completedFuture(RouteWindow.of(gateway.embed(Arrays.copyOfRange(tokens, from, to))));
            for (int hop = 0; hop < route.size(); hop++) {
                ShardStage stage = route.get(hop);
                CompletableFuture<CompletableFuture<RouteWindow>> sent =
                        states.thenCombine(sentToHop.get(hop), (input, previousSent) -> input.through(stage, start));
                sentToHop.set(hop, sent.thenApply(reply -> null));
                states = sent.thenCompose(reply -> reply);
            }
            last = states;
        }
        return Windows.await(last).states();
    }
}
