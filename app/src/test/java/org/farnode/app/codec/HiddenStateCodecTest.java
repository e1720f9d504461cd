package org.farnode.app.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.farnode.app.shard.HiddenStates;
import org.junit.jupiter.api.Test;

class HiddenStateCodecTest {
    private static final int CHECKSUM = ChecksummedCodec.CHECKSUM_BYTES;

    static HiddenStates randomStates(int positions, int width, long seed) {
        Random random = new Random(seed);
        float[] values = new float[positions * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2));
        }
        return new HiddenStates(positions, width, values);
    }

    @Test
    void fp32IsExactAndFourBytesPerValuePlusTheChecksum() {
        HiddenStates states = randomStates(3, 37, 1);
        Fp32Codec codec = new Fp32Codec();
        byte[] bytes = codec.encode(states, 0);
        assertThat(bytes).hasSize(3 * 37 * 4 + CHECKSUM);
        assertThat(codec.encodedBytes(3, 37, 0)).isEqualTo(bytes.length);
        assertThat(codec.decode(bytes, 3, 37, 0).values()).containsExactly(states.values());
    }

    @Test
    void fp32KeepsNonFiniteValuesSoTheNodeCanRefuseThem() {
        HiddenStates states = new HiddenStates(1, 3, new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0f});
        Fp32Codec codec = new Fp32Codec();
        float[] back = codec.decode(codec.encode(states, 0), 1, 3, 0).values();
        assertThat(back[0]).isNaN();
        assertThat(back[1]).isInfinite();
        assertThat(Float.floatToRawIntBits(back[2])).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    @Test
    void fp16RoundsEachValueToNearestFloat16AndIsTwoBytesPerValue() {
        HiddenStates states = randomStates(4, 33, 2);
        Fp16Codec codec = new Fp16Codec();
        byte[] bytes = codec.encode(states, 0);
        assertThat(bytes).hasSize(4 * 33 * 2 + CHECKSUM);
        float[] back = codec.decode(bytes, 4, 33, 0).values();
        for (int i = 0; i < back.length; i++) {
            float expected = Float.float16ToFloat(Float.floatToFloat16(states.values()[i]));
            assertThat(back[i]).isEqualTo(expected);
            assertThat(Math.abs(back[i] - states.values()[i])).isLessThanOrEqualTo(Math.abs(states.values()[i]) / 1024 + 1e-7f);
        }
    }

    @Test
    void fp16RefusesValuesBeyondItsRangeNamingWhere() {
        float[] values = new float[8];
        values[5] = 70000f;
        assertThatThrownBy(() -> new Fp16Codec().encode(new HiddenStates(2, 4, values), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000.0").hasMessageContaining("position 1").hasMessageContaining("index 1")
                .hasMessageContaining("use fp32");
    }

    @Test
    void blockQuantizedCodecsAreWithinHalfABlockScaleOfEachValue() {
        HiddenStates states = randomStates(3, 70, 3); // 70: two whole blocks and a partial one per position
        for (BlockQuantizedCodec codec : new BlockQuantizedCodec[] {BlockQuantizedCodec.int8(), BlockQuantizedCodec.int4()}) {
            int limit = codec.name().equals("int8") ? 127 : 7;
            byte[] bytes = codec.encode(states, 0);
            assertThat(bytes).hasSize((int) codec.encodedBytes(3, 70, 0));
            float[] back = codec.decode(bytes, 3, 70, 0).values();
            float[] x = states.values();
            for (int p = 0; p < 3; p++) {
                for (int b = 0; b < 3; b++) {
                    float absmax = 0;
                    for (int j = 32 * b; j < Math.min(70, 32 * b + 32); j++) {
                        absmax = Math.max(absmax, Math.abs(x[p * 70 + j]));
                    }
                    float scale = absmax / limit;
                    for (int j = 32 * b; j < Math.min(70, 32 * b + 32); j++) {
                        int i = p * 70 + j;
                        assertThat((double) Math.abs(back[i] - x[i])).as("%s value %d", codec.name(), i)
                                .isLessThanOrEqualTo(scale / 2 * (1 + 1e-6) + 1e-30);
                    }
                }
            }
        }
        assertThat(BlockQuantizedCodec.int8().encodedBytes(1, 64, 0)).isEqualTo(2 * 4 + 64 + CHECKSUM);
        assertThat(BlockQuantizedCodec.int4().encodedBytes(1, 64, 0)).isEqualTo(2 * 4 + 32 + CHECKSUM);
    }

    @Test
    void blockQuantizedCodecsRefuseNonFiniteValuesNamingWhere() {
        float[] values = new float[6];
        values[4] = Float.NaN;
        assertThatThrownBy(() -> BlockQuantizedCodec.int8().encode(new HiddenStates(2, 3, values), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position 1").hasMessageContaining("index 1");
    }

    @Test
    void aCorruptedPayloadIsRefusedByEveryCodec() {
        HiddenStates states = randomStates(2, 40, 4);
        for (HiddenStateCodec codec : HiddenStateCodecs.all()) {
            byte[] bytes = codec.encode(states, 0);
            for (int at : new int[] {0, bytes.length / 2, bytes.length - 1}) {
                byte[] corrupted = bytes.clone();
                corrupted[at] ^= 0x10;
                assertThatThrownBy(() -> codec.decode(corrupted, 2, 40, 0)).as("%s, byte %d flipped", codec.name(), at)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(codec.name()).hasMessageContaining("corrupted");
            }
        }
    }

    @Test
    void aTruncatedOrLongPayloadIsRefusedByEveryCodec() {
        HiddenStates states = randomStates(2, 40, 5);
        for (HiddenStateCodec codec : HiddenStateCodecs.all()) {
            byte[] bytes = codec.encode(states, 0);
            byte[] shorter = java.util.Arrays.copyOf(bytes, bytes.length - 1);
            assertThatThrownBy(() -> codec.decode(shorter, 2, 40, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(codec.name()).hasMessageContaining("got " + shorter.length).hasMessageContaining("truncated");
            assertThatThrownBy(() -> codec.decode(new byte[bytes.length + 3], 2, 40, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got " + (bytes.length + 3));
            assertThatThrownBy(() -> codec.decode(new byte[0], 0, 40, 0)).hasMessageContaining("at least one position");
        }
    }

    @Test
    void codecsAreFoundByIdAndNameAndUnknownNamesListTheKnownOnes() {
        for (HiddenStateCodec codec : HiddenStateCodecs.all()) {
            assertThat(HiddenStateCodecs.byId(codec.id())).containsSame(codec);
            assertThat(HiddenStateCodecs.byName(codec.name().toUpperCase())).isSameAs(codec);
            assertThat(codec.calibrationHash()).containsOnly(0);
        }
        assertThat(HiddenStateCodecs.all()).extracting(HiddenStateCodec::name).containsExactly("fp32", "fp16", "int8", "int4");
        assertThat(HiddenStateCodecs.byId(0)).isEmpty();
        assertThatThrownBy(() -> HiddenStateCodecs.byName("int2"))
                .hasMessageContaining("int2").hasMessageContaining("fp32, fp16, int8, int4, scm8, scm4, scm16, scm8w, scm4w");
        assertThatThrownBy(() -> HiddenStateCodecs.byName("scm8")).hasMessageContaining("--scm FILE");
    }
}
