package org.farnode.backend.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
    private KQuantScales() {
    }

    /** Scale {@code j < 8} of a Q4_K/Q5_K super-block whose 12 scale bytes start at {@code at}: 0..63. */
    public static int scale(MemorySegment data, long at, int j) {
        if (j < 4) {
            return u8(data, at + j) & 63;
        }
        return u8(data, at + j + 4) & 15 | (u8(data, at + j - 4) >>> 6) << 4;
    }

    /** Min {@code j < 8} of a Q4_K/Q5_K super-block whose 12 scale bytes start at {@code at}: 0..63. */
    public static int min(MemorySegment data, long at, int j) {
        if (j < 4) {
            return u8(data, at + j + 4) & 63;
        }
        return u8(data, at + j + 4) >>> 4 | (u8(data, at + j) >>> 6) << 4;
    }

    /** Signed scale {@code j < 16} of a Q3_K super-block whose 12 scale bytes start at {@code at}: -32..31. */
    public static int signedScale(MemorySegment data, long at, int j) {
        int low = j < 8 ? u8(data, at + j) & 15 : u8(data, at + j - 8) >>> 4;
        int high = u8(data, at + 8 + (j & 3)) >>> (2 * (j >>> 2)) & 3;
        return (low | high << 4) - 32;
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
