package org.farnode.app.gateway;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.peer.EncodedStage;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardStage;

/**
 * A window between two hops of the route: hidden states, or the payload a node returned, kept
 * undecoded until something needs the values. The gateway sits in the middle of a star, so hop
 * h's output goes out again as hop h + 1's input; when both hops' sessions use the same codec,
 * the payload is relayed as it came (it already encodes the states at the layer boundary the next
 * hop starts from), and the gateway skips decoding and encoding it again: for an SCM codec at
 * a real model's width those are two dense products per position and hop, the largest share of
 * the gateway's work on a long prompt. The next node decodes the payload and checks its values,
 * as it checks any window.
 */
final class RouteWindow {
    private final int positions;
    private final int width;
    private HiddenStates states;
    private final byte[] payload;
    /** The codec of the payload and the layers of the hop that produced it (null for states). */
    private final HiddenStateCodec producerCodec;
    private final LayerRange producerLayers;

    private RouteWindow(int positions, int width, HiddenStates states, byte[] payload, HiddenStateCodec producerCodec,
                        LayerRange producerLayers) {
        this.positions = positions;
        this.width = width;
        this.states = states;
        this.payload = payload;
        this.producerCodec = producerCodec;
        this.producerLayers = producerLayers;
    }

    static RouteWindow of(HiddenStates states) {
        return new RouteWindow(states.positions(), states.width(), states, null, null, null);
    }

    /** The hidden states, decoded from the payload the first time they are asked for. */
    synchronized HiddenStates states() {
        if (states == null) {
            states = producerCodec.decode(payload, positions, width, producerLayers.end());
        }
        return states;
    }

    /**
     * Runs this window through {@code stage} from {@code startPosition}: a remote stage gets the
     * payload relayed where it can take it as it is, and returns its node's payload undecoded.
     */
    CompletableFuture<RouteWindow> through(ShardStage stage, int startPosition) {
        return switch (stage) {
            case EncodedStage hop -> {
                byte[] input = relayableTo(hop.codec(), hop.layers()) ? payload : hop.encode(states());
                yield hop.forwardEncodedAsync(startPosition, positions, input)
                        .thenApply(out -> new RouteWindow(positions, width, null, out, hop.codec(), hop.layers()));
            }
            default -> stage.forwardAsync(startPosition, states()).thenApply(RouteWindow::of);
        };
    }

    /** Whether the payload is already what a hop of {@code wanted} from {@code next} would send: same codec, at the layer it starts from. */
    private boolean relayableTo(HiddenStateCodec wanted, LayerRange next) {
        if (payload == null) {
            return false;
        }
        return producerCodec.id() == wanted.id() && Arrays.equals(producerCodec.calibrationHash(), wanted.calibrationHash())
                && producerLayers.end() == next.start();
    }
}
