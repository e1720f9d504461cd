package org.farnode.app.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.farnode.app.shard.HiddenStates;
import org.junit.jupiter.api.Test;

class HiddenStateCodecTest {

    private static HiddenStates randomStates(int positions, int width, long seed) {
        Random random = new Random(seed);
        float[] values = new float[positions * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2));
        }
        return new HiddenStates(positions, width, values);
    }

    @Test
    void fp32IsExactAndFourBytesPerValue() {
        HiddenStates states = randomStates(3, 37, 1);
        Fp32Codec codec = new Fp32Codec();
        byte[] bytes = codec.encode(states);
        assertThat(bytes).hasSize(3 * 37 * 4);
        assertThat(codec.decode(bytes, 3, 37).values()).containsExactly(states.values());
    }

    @Test
    void fp32KeepsNonFiniteValuesSoTheNodeCanRefuseThem() {
        HiddenStates states = new HiddenStates(1, 3, new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0f});
        Fp32Codec codec = new Fp32Codec();
        float[] back = codec.decode(codec.encode(states), 1, 3).values();
        assertThat(back[0]).isNaN();
        assertThat(back[1]).isInfinite();
        assertThat(Float.floatToRawIntBits(back[2])).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    @Test
    void fp16RoundsEachValueToNearestFloat16AndIsTwoBytesPerValue() {
        HiddenStates states = randomStates(4, 33, 2);
        Fp16Codec codec = new Fp16Codec();
        byte[] bytes = codec.encode(states);
        assertThat(bytes).hasSize(4 * 33 * 2);
        float[] back = codec.decode(bytes, 4, 33).values();
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
        assertThatThrownBy(() -> new Fp16Codec().encode(new HiddenStates(2, 4, values)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000.0").hasMessageContaining("position 1").hasMessageContaining("index 1")
                .hasMessageContaining("use fp32");
    }

    @Test
    void decodeRefusesBytesOfTheWrongSize() {
        for (HiddenStateCodec codec : HiddenStateCodecs.all()) {
            assertThatThrownBy(() -> codec.decode(new byte[10], 2, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(codec.name()).hasMessageContaining("got 10");
        }
    }

    @Test
    void codecsAreFoundByIdAndNameAndUnknownNamesListTheKnownOnes() {
        for (HiddenStateCodec codec : HiddenStateCodecs.all()) {
            assertThat(HiddenStateCodecs.byId(codec.id())).containsSame(codec);
            assertThat(HiddenStateCodecs.byName(codec.name().toUpperCase())).isSameAs(codec);
        }
        assertThat(HiddenStateCodecs.byId(0)).isEmpty();
        assertThatThrownBy(() -> HiddenStateCodecs.byName("int4"))
                .hasMessageContaining("int4").hasMessageContaining("fp32, fp16");
    }
}
