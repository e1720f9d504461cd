package org.farnode.app.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.farnode.app.shard.HiddenStates;

/** Hidden states as IEEE float32, little-endian: exact, 4 bytes per value. */
public final class Fp32Codec implements HiddenStateCodec {
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
    public long encodedBytes(int positions, int width) {
        return 4L * positions * width;
    }

    @Override
    public byte[] encode(HiddenStates states) {
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(encodedBytes(states.positions(), states.width())))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(states.values());
        return out.array();
    }

    @Override
    public HiddenStates decode(byte[] bytes, int positions, int width) {
        CodecChecks.requireSize(this, bytes, positions, width);
        float[] values = new float[positions * width];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return new HiddenStates(positions, width, values);
    }
}
