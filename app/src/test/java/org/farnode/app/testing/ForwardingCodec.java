package org.farnode.app.testing;

import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.shard.HiddenStates;

/** A codec that hands every call to another: tests extend it to watch what passes through. */
public abstract class ForwardingCodec implements HiddenStateCodec {
    private final HiddenStateCodec codec;

    protected ForwardingCodec(HiddenStateCodec codec) {
        this.codec = codec;
    }

    @Override
    public int id() {
        return codec.id();
    }

    @Override
    public String name() {
        return codec.name();
    }

    @Override
    public long encodedBytes(int positions, int width, int boundary) {
        return codec.encodedBytes(positions, width, boundary);
    }

    @Override
    public byte[] encode(HiddenStates states, int boundary) {
        return codec.encode(states, boundary);
    }

    @Override
    public HiddenStates decode(byte[] bytes, int positions, int width, int boundary) {
        return codec.decode(bytes, positions, width, boundary);
    }

    @Override
    public byte[] calibrationHash() {
        return codec.calibrationHash();
    }
}
