package org.farnode.app.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.farnode.app.shard.HiddenStates;

/**
 * Hidden states as IEEE float16, little-endian: 2 bytes per value, rounded to nearest even. A
 * value beyond float16's range (±65504) is refused rather than sent as infinity.
 */
public final class Fp16Codec implements HiddenStateCodec {
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
    public long encodedBytes(int positions, int width) {
        return 2L * positions * width;
    }

    @Override
    public byte[] encode(HiddenStates states) {
        float[] values = states.values();
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(encodedBytes(states.positions(), states.width())))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            if (Math.abs(values[i]) > MAX_FLOAT16) {
                throw new IllegalArgumentException("hidden state value " + values[i] + " (position " + i / states.width()
                        + " of the window, index " + i % states.width() + ") is outside float16's range ±65504; use fp32");
            }
            out.putShort(Float.floatToFloat16(values[i]));
        }
        return out.array();
    }

    @Override
    public HiddenStates decode(byte[] bytes, int positions, int width) {
        CodecChecks.requireSize(this, bytes, positions, width);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[positions * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.float16ToFloat(in.getShort());
        }
        return new HiddenStates(positions, width, values);
    }
}
