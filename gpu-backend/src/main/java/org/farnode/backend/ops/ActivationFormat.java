package org.farnode.backend.ops;

/**
 * How a window of activations ({@code count} positions of {@code dim} floats) is encoded; the
 * byte layouts are drawn in {@link ActivationQuantization}. The sizes here are exact encoded
 * sizes; a GPU buffer that receives an encoding is rounded up to whole 32-bit words
 * ({@link #wordAlignedBytes}).
 */
public enum ActivationFormat {
    /** IEEE binary16 per value, rounded to nearest even: 2 bytes per value. */
    FP16(16, 0),
    /** Blocks of 32 values per position, an f32 scale each, a signed byte per value in [-127, 127]. */
    INT8(8, 127),
    /** Blocks of 32 values per position, an f32 scale each, a signed nibble per value in [-7, 7]. */
    INT4(4, 7);

    /** Values per block (the last block of a position holds {@code dim % 32} when that is not 0). */
    public static final int BLOCK = 32;

    private final int bits;
    private final int limit;

    ActivationFormat(int bits, int limit) {
        this.bits = bits;
        this.limit = limit;
    }

    /** Bits one value takes in the quants (or halves) region. */
    public int bits() {
        return bits;
    }

    /** Largest |q| a blockwise encoder writes (127 or 7); 0 for {@link #FP16}, which has no scales. */
    public int limit() {
        return limit;
    }

    /** Whether the encoding starts with a region of per-block f32 scales. */
    public boolean blockwise() {
        return limit > 0;
    }

    /** Blocks in one position of {@code dim} values: {@code ceil(dim / 32)}. */
    public static int blocksPerPosition(int dim) {
        return (dim + BLOCK - 1) / BLOCK;
    }

    /** Bytes of the scales region: 4 per block, 0 for {@link #FP16}. */
    public long scaleBytes(int dim, int count) {
        return blockwise() ? 4L * count * blocksPerPosition(dim) : 0;
    }

    /** Exact size of an encoded window: the scales region then {@code ceil(count·dim·bits / 8)} bytes of values. */
    public long encodedBytes(int dim, int count) {
        return scaleBytes(dim, count) + ((long) dim * count * bits + 7) / 8;
    }

    /** {@link #encodedBytes} rounded up to a multiple of 4: what a GPU encoder writes (the extra bytes are zero). */
    public long wordAlignedBytes(int dim, int count) {
        return (encodedBytes(dim, count) + 3) & ~3L;
    }
}
