package org.farnode.app.codec;

import org.farnode.app.shard.HiddenStates;

/**
 * How a window of hidden states is turned into bytes for the trip between peers and back.
 * Chosen per session; both ends look it up by {@link #id()}. Every payload ends with a checksum
 * (see {@link ChecksummedCodec}), so a corrupted or truncated one is refused, not decoded.
 *
 * <p>{@code boundary} is the layer the hidden states enter (0 for the embeddings, the layer
 * count for the last layer's output): a calibrated codec projects each boundary differently;
 * the others ignore it.
 */
public interface HiddenStateCodec {

    /** The number that names this codec on the wire (one byte). */
    int id();

    /** A short name for options and tables, e.g. {@code fp16}. */
    String name();

    /** Bytes that {@link #encode} produces for a window of this shape. */
    long encodedBytes(int positions, int width, int boundary);

    /**
     * The window as bytes.
     *
     * @throws IllegalArgumentException when a value cannot be represented (the message says which and where)
     */
    byte[] encode(HiddenStates states, int boundary);

    /**
     * The window of {@code positions × width} values in {@code bytes}.
     *
     * @throws IllegalArgumentException when {@code bytes} has the wrong size for that shape, or its checksum does not match
     */
    HiddenStates decode(byte[] bytes, int positions, int width, int boundary);

    /** The SHA-256 of the calibration this codec was built with (what peers compare), or 32 zero bytes for none. */
    default byte[] calibrationHash() {
        return new byte[32];
    }
}
