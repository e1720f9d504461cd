package org.farnode.app.codec;

import org.farnode.app.shard.HiddenStates;

/**
 * How a window of hidden states is turned into bytes for the trip between peers and back.
 * Chosen per session; both ends look it up by {@link #id()}.
 */
public interface HiddenStateCodec {

    /** The number that names this codec on the wire (one byte). */
    int id();

    /** A short name for options and tables, e.g. {@code fp16}. */
    String name();

    /** Bytes that {@link #encode} produces for a window of this shape. */
    long encodedBytes(int positions, int width);

    /**
     * The window as bytes.
     *
     * @throws IllegalArgumentException when a value cannot be represented (the message says which and where)
     */
    byte[] encode(HiddenStates states);

    /**
     * The window of {@code positions × width} values in {@code bytes}.
     *
     * @throws IllegalArgumentException when {@code bytes} has the wrong size for that shape
     */
    HiddenStates decode(byte[] bytes, int positions, int width);
}
