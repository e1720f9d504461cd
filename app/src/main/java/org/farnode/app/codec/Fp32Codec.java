package org.farnode.app.codec;

import java.nio.ByteBuffer;
import org.farnode.app.shard.HiddenStates;

/** Hidden states as IEEE float32, little-endian: exact, 4 bytes per value. */
public final class Fp32Codec extends ChecksummedCodec {
    public static final int ID = 1;

    @Override
    public int id() {
        return ID;
    }

    @Override
    public String name() {
        return "fp32";
    }

    @Override
    protected long bodyBytes(int positions, int width, int boundary) {
        return 4L * positions * width;
    }

    @Override
    protected void encodeBody(HiddenStates states, int boundary, ByteBuffer out) {
        for (float value : states.values()) {
            out.putFloat(value);
        }
    }

    @Override
    protected HiddenStates decodeBody(ByteBuffer in, int positions, int width, int boundary) {
        float[] values = new float[positions * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.getFloat();
        }
        return new HiddenStates(positions, width, values);
    }
}
