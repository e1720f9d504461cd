package org.farnode.backend.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The packed 6-bit sub-block scales of the K-quant super-blocks, read and written.
 *
 * <p><b>Q4_K and Q5_K</b> keep 8 scales and 8 mins (sub-blocks of 32 values), 6 bits each, in 12
 * bytes {@code b[0..11]}:
 * <pre>
 * j &lt; 4:  scale = b[j] &amp; 63                            min = b[j+4] &amp; 63
 * j ≥ 4:  scale = b[j+4] &amp; 15 | (b[j-4] &gt;&gt; 6) &lt;&lt; 4      min = b[j+4] &gt;&gt; 4 | (b[j] &gt;&gt; 6) &lt;&lt; 4
 * </pre>
 * so bytes 0–7 hold the low 6 bits of the first four scales and mins, bytes 8–11 the low nibbles
 * of the last four (scale low, min high), and the top two bits of bytes 0–7 the last four's high
 * bits.
 *
 * <p><b>Q3_K</b> keeps 16 scales (sub-blocks of 16 values), 6 bits each, stored as
 * {@code scale + 32}, in 12 bytes: the low nibble of scale {@code j} is the low nibble of
 * {@code b[j]} for {@code j < 8} and the high nibble of {@code b[j-8]} otherwise; its two high
 * bits are bits {@code 2·(j/4)} and {@code 2·(j/4)+1} of {@code b[8 + j%4]}.
 */
public final class KQuantScales {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private KQuantScales() {
    }

    /** Scale {@code j < 8} of a Q4_K/Q5_K super-block whose 12 scale bytes start at {@code at}: 0..63. */
    public static int scale(MemorySegment data, long at, int j) {
        return scale(first8(data, at), last4(data, at), j);
    }

    /** Min {@code j < 8} of a Q4_K/Q5_K super-block whose 12 scale bytes start at {@code at}: 0..63. */
    public static int min(MemorySegment data, long at, int j) {
        return min(first8(data, at), last4(data, at), j);
    }

    /** Signed scale {@code j < 16} of a Q3_K super-block whose 12 scale bytes start at {@code at}: -32..31. */
    public static int signedScale(MemorySegment data, long at, int j) {
        return signedScale(first8(data, at), last4(data, at), j);
    }

    /**
     * Scale {@code j < 8} from the 12 scale bytes held as {@code first8} (bytes 0–7, little-endian)
     * and {@code last4} (bytes 8–11). The kernels read the bytes with these two loads once per
     * super-block: a memory-segment read per byte made their loops too large for the JIT to inline.
     */
    public static int scale(long first8, int last4, int j) {
        return byteOf(j < 4 ? lowScales(first8) : highScales(first8, last4), j & 3);
    }

    /** Min {@code j < 8} from the 12 scale bytes as {@link #scale(long, int, int)} takes them. */
    public static int min(long first8, int last4, int j) {
        return byteOf(j < 4 ? lowMins(first8) : highMins(first8, last4), j & 3);
    }

    /** Scales 0–3, one per byte (byte {@code j} = scale {@code j}). */
    public static int lowScales(long first8) {
        return (int) first8 & 0x3F3F3F3F;
    }

    /** Mins 0–3, one per byte. */
    public static int lowMins(long first8) {
        return (int) (first8 >>> 32) & 0x3F3F3F3F;
    }

    /** Scales 4–7, one per byte: low nibbles of bytes 8–11, high bits from the top of bytes 0–3. */
    public static int highScales(long first8, int last4) {
        return last4 & 0x0F0F0F0F | (int) first8 >>> 2 & 0x30303030;
    }

    /** Mins 4–7, one per byte: high nibbles of bytes 8–11, high bits from the top of bytes 4–7. */
    public static int highMins(long first8, int last4) {
        return last4 >>> 4 & 0x0F0F0F0F | (int) (first8 >>> 32) >>> 2 & 0x30303030;
    }

    /** Signed Q3_K scale {@code j < 16} from the 12 scale bytes as {@link #scale(long, int, int)} takes them. */
    public static int signedScale(long first8, int last4, int j) {
        int low = byteOf(first8, j & 7) >>> (j < 8 ? 0 : 4) & 15;
        int high = byteOf(last4, j & 3) >>> (2 * (j >>> 2)) & 3;
        return (low | high << 4) - 32;
    }

    /** Bytes 0–7 of the 12 at {@code at}, little-endian. */
    public static long first8(MemorySegment data, long at) {
        return data.get(LONG, at);
    }

    /** Bytes 8–11 of the 12 at {@code at}, little-endian. */
    public static int last4(MemorySegment data, long at) {
        return data.get(INT, at + 8);
    }

    /** Byte {@code k} (0 = lowest) of {@code word}, unsigned. */
    public static int byteOf(long word, int k) {
        return (int) (word >>> (8 * k)) & 0xFF;
    }

    /** Writes 8 scales and 8 mins (each 0..63) in the Q4_K/Q5_K packing at {@code at}. */
    public static void packScalesAndMins(int[] scales, int[] mins, MemorySegment data, long at) {
        for (int j = 0; j < 4; j++) {
            data.set(ValueLayout.JAVA_BYTE, at + j, (byte) (scales[j] | (scales[j + 4] >>> 4) << 6));
            data.set(ValueLayout.JAVA_BYTE, at + j + 4, (byte) (mins[j] | (mins[j + 4] >>> 4) << 6));
            data.set(ValueLayout.JAVA_BYTE, at + j + 8, (byte) (scales[j + 4] & 15 | (mins[j + 4] & 15) << 4));
        }
    }

    /** Writes 16 signed scales (each -32..31) in the Q3_K packing at {@code at}. */
    public static void packSignedScales(int[] scales, MemorySegment data, long at) {
        byte[] packed = new byte[12];
        for (int j = 0; j < 16; j++) {
            int stored = scales[j] + 32;
            packed[j & 7] |= (byte) ((stored & 15) << (j < 8 ? 0 : 4));
            packed[8 + (j & 3)] |= (byte) ((stored >>> 4) << (2 * (j >>> 2)));
        }
        MemorySegment.copy(packed, 0, data, ValueLayout.JAVA_BYTE, at, 12);
    }

    static int u8(MemorySegment data, long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }
}
