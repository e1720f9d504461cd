package org.farnode.app.codec;

import java.nio.ByteBuffer;
import org.farnode.app.shard.HiddenStates;

/**
 * Hidden states as IEEE float16, little-endian: 2 bytes per value, rounded to nearest even. A
 * value beyond float16's range (±65504) is refused rather than sent as infinity.
 */
public final class Fp16Codec extends ChecksummedCodec {
    public static final int ID = 2;
    private static final float MAX_FLOAT16 = 65504f;

    @Override
    public int id() {
        return ID;
    }

    @Override
    public String name() {
        return "fp16";
    }

    @Override
    protected long bodyBytes(int positions, int width, int boundary) {
        return 2L * positions * width;
    }

    @Override
    protected void encodeBody(HiddenStates states, int boundary, ByteBuffer out) {
        float[] values = states.values();
        for (int i = 0; i < values.length; i++) {
            if (Math.abs(values[i]) > MAX_FLOAT16) {
                throw new IllegalArgumentException("hidden state value " + values[i] + " (position " + i / states.width()
                        + " of the window, index " + i % states.width() + ") is outside float16's range ±65504; use fp32");
            }
            out.putShort(Float.floatToFloat16(values[i]));
        }
    }

    @Override
    protected HiddenStates decodeBody(ByteBuffer in, int positions, int width, int boundary) {
        float[] values = new float[positions * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.float16ToFloat(in.getShort());
        }
        return new HiddenStates(positions, width, values);
    }
}
