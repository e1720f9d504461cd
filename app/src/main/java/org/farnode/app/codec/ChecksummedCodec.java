package org.farnode.app.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.farnode.app.shard.HiddenStates;

/**
 * A codec whose payload is its body followed by the CRC-32C of the body (4 bytes,
 * little-endian). TLS already protects the bytes in transit; the checksum catches what TLS
 * cannot: a peer that encoded with something else than it claims, or a bug between encoder
 * and decoder. A payload of the wrong size or with a wrong checksum is refused before decoding.
 */
public abstract class ChecksummedCodec implements HiddenStateCodec {
    public static final int CHECKSUM_BYTES = 4;
    /** The most values a window may have: the longest array the JVM allocates (a little under 2^31). */
    public static final int MAX_WINDOW_VALUES = Integer.MAX_VALUE - 8;

    @Override
    public final long encodedBytes(int positions, int width, int boundary) {
        return bodyBytes(positions, width, boundary) + CHECKSUM_BYTES;
    }

    @Override
    public final byte[] encode(HiddenStates states, int boundary) {
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(encodedBytes(states.positions(), states.width(), boundary)))
                .order(ByteOrder.LITTLE_ENDIAN);
        encodeBody(states, boundary, out);
        if (out.position() != out.capacity() - CHECKSUM_BYTES) {
            throw new IllegalStateException(name() + " wrote " + out.position() + " bytes of body, expected "
                    + (out.capacity() - CHECKSUM_BYTES));
        }
        out.putInt(checksum(out.array(), out.capacity() - CHECKSUM_BYTES));
        return out.array();
    }

    @Override
    public final HiddenStates decode(byte[] bytes, int positions, int width, int boundary) {
        if (positions < 1 || width < 1) {
            throw new IllegalArgumentException("a window needs at least one position and one value each, got "
                    + positions + " × " + width);
        }
        if ((long) positions * width > MAX_WINDOW_VALUES) {
            // Checked apart from the size: a codec whose body is empty (an SCM boundary of rank 0
            // without outliers) takes the same 4 bytes for any window, and the count would wrap.
            throw new IllegalArgumentException("a window of " + positions + " × " + width + " values is more than the "
                    + MAX_WINDOW_VALUES + " one array holds");
        }
        long expected = encodedBytes(positions, width, boundary);
        if (bytes.length != expected) {
            throw new IllegalArgumentException(name() + " hidden states of " + positions + " × " + width + " take "
                    + expected + " bytes, got " + bytes.length + (bytes.length < expected ? " (truncated)" : ""));
        }
        int body = bytes.length - CHECKSUM_BYTES;
        int stated = ByteBuffer.wrap(bytes, body, CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (stated != checksum(bytes, body)) {
            throw new IllegalArgumentException(name() + " payload of " + positions + " × " + width
                    + " is corrupted: its checksum does not match its bytes");
        }
        return decodeBody(ByteBuffer.wrap(bytes, 0, body).order(ByteOrder.LITTLE_ENDIAN), positions, width, boundary);
    }

    private static int checksum(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /** Bytes of the body for a window of this shape. */
    protected abstract long bodyBytes(int positions, int width, int boundary);

    /** Writes the body of {@code states} into {@code out} (exactly {@link #bodyBytes} bytes, little-endian). */
    protected abstract void encodeBody(HiddenStates states, int boundary, ByteBuffer out);

    /** Reads a body of the right size whose checksum matched. */
    protected abstract HiddenStates decodeBody(ByteBuffer in, int positions, int width, int boundary);
}
