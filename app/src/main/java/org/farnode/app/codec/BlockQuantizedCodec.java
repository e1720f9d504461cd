package org.farnode.app.codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.farnode.app.shard.HiddenStates;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.ops.ActivationQuantization;

/**
 * Blockwise absmax quantization, the usual baseline: every 32 values of a position share one f32
 * scale ({@code max|x| / 127} for int8, {@code / 7} for int4) and each value is sent as the
 * nearest multiple of it. The byte layout and rounding are {@link ActivationQuantization}'s, which
 * the GPU's codec kernels write bit for bit. Error per value: at most half its block's scale.
 */
public final class BlockQuantizedCodec extends ChecksummedCodec {
    public static final int INT8_ID = 3;
    public static final int INT4_ID = 4;
    private final ActivationFormat format;

    private BlockQuantizedCodec(ActivationFormat format) {
        this.format = format;
    }

    public static BlockQuantizedCodec int8() {
        return new BlockQuantizedCodec(ActivationFormat.INT8);
    }

    public static BlockQuantizedCodec int4() {
        return new BlockQuantizedCodec(ActivationFormat.INT4);
    }

    @Override
    public int id() {
        return format == ActivationFormat.INT8 ? INT8_ID : INT4_ID;
    }

    @Override
    public String name() {
        return format == ActivationFormat.INT8 ? "int8" : "int4";
    }

    @Override
    protected long bodyBytes(int positions, int width, int boundary) {
        return format.encodedBytes(width, positions);
    }

    @Override
    protected void encodeBody(HiddenStates states, int boundary, ByteBuffer out) {
        out.put(encode(format, states.values(), states.width(), states.positions()));
    }

    @Override
    protected HiddenStates decodeBody(ByteBuffer in, int positions, int width, int boundary) {
        return new HiddenStates(positions, width, decode(format, in, width, positions));
    }

    /** {@code count × dim} values in {@code format}'s bytes; non-finite values are refused with their place. */
    static byte[] encode(ActivationFormat format, float[] values, int dim, int count) {
        byte[] bytes = new byte[Math.toIntExact(format.encodedBytes(dim, count))];
        ActivationQuantization.encode(format, values, dim, count, MemorySegment.ofArray(bytes));
        return bytes;
    }

    /** The next {@code format.encodedBytes(dim, count)} bytes of {@code in}, decoded. */
    static float[] decode(ActivationFormat format, ByteBuffer in, int dim, int count) {
        byte[] bytes = new byte[Math.toIntExact(format.encodedBytes(dim, count))];
        in.get(bytes);
        float[] values = new float[dim * count];
        ActivationQuantization.decode(format, MemorySegment.ofArray(bytes), dim, count, values);
        return values;
    }
}
