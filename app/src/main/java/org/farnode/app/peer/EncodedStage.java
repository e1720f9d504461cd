package org.farnode.app.peer;

import java.util.concurrent.CompletableFuture;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.shard.Windows;

/**
 * A stage computed elsewhere, reached with windows in a codec: it takes and returns encoded
 * payloads, so a route can relay one hop's payload to the next without decoding it.
 */
public interface EncodedStage extends ShardStage {
    /** The codec of this hop's windows. */
    HiddenStateCodec codec();

    /** A window as this hop is sent it: the codec at this hop's first layer. */
    byte[] encode(HiddenStates window);

    /** A payload this hop returned: hidden states after its last layer. */
    HiddenStates decode(byte[] payload, int windowPositions, int width);

    /** Sends an encoded window; the node's reply comes back undecoded. */
    CompletableFuture<byte[]> forwardEncodedAsync(int startPosition, int windowPositions, byte[] payload);

    @Override
    default HiddenStates forward(int startPosition, HiddenStates window) {
        return Windows.await(forwardAsync(startPosition, window));
    }

    @Override
    default CompletableFuture<HiddenStates> forwardAsync(int startPosition, HiddenStates window) {
        return forwardEncodedAsync(startPosition, window.positions(), encode(window))
                .thenApply(payload -> decode(payload, window.positions(), window.width()));
    }
}
