package org.farnode.app.codec;

import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardStage;

/**
 * A stage whose windows go through a codec on the way in and on the way out, as they would
 * between the gateway and a node: the same bytes, the same loss, in one process. It counts the
 * bytes each way, so a local run can measure what a codec costs and saves.
 */
public final class CodecHop implements ShardStage {
    private final ShardStage inner;
    private final HiddenStateCodec codec;
    private long bytesIn;
    private long bytesOut;
    private long positions;

    public CodecHop(ShardStage inner, HiddenStateCodec codec) {
        this.inner = inner;
        this.codec = codec;
    }

    @Override
    public LayerRange layers() {
        return inner.layers();
    }

    @Override
    public HiddenStates forward(int startPosition, HiddenStates window) {
        int width = window.width();
        byte[] sent = codec.encode(window, layers().start());
        bytesIn += sent.length;
        HiddenStates output = inner.forward(startPosition, codec.decode(sent, window.positions(), width, layers().start()));
        byte[] back = codec.encode(output, layers().end());
        bytesOut += back.length;
        positions += window.positions();
        return codec.decode(back, output.positions(), width, layers().end());
    }

    @Override
    public void truncate(int length) {
        inner.truncate(length);
    }

    @Override
    public void forgetBeforeNextWindow(int length) {
        inner.forgetBeforeNextWindow(length);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** Payload bytes sent to the stage so far (hidden states only, no framing). */
    public long bytesIn() {
        return bytesIn;
    }

    /** Payload bytes that came back so far. */
    public long bytesOut() {
        return bytesOut;
    }

    /** Positions that went through so far. */
    public long positions() {
        return positions;
    }
}
