package org.farnode.app.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.testing.FuzzRun;
import org.farnode.app.testing.ThreadAllocations;
import org.junit.jupiter.api.Test;

/**
 * A node decodes whatever a gateway sends as a window's hidden states. For every codec (the
 * built-in ones and the five SCM ones over a codebook with boundaries of several ranks, one of
 * rank 0 without outliers, whose body is empty), a payload of any bytes and length, for any
 * positions, width and boundary, must decode to {@code positions × width} values or raise an
 * {@link IllegalArgumentException} (which the node answers with {@code BAD_HIDDEN_STATE}), never
 * another exception, and allocate no more than the window's values and its payload account for.
 *
 * <p>Random bytes seldom pass the checksum, so most inputs carry a correct CRC-32C over a random
 * or a changed body: those reach the codecs' own decoding.
 */
class HiddenStateCodecFuzzTest {
    private static final int WIDTH = 70; // two whole blocks of 32 and a partial one
    /** The boundaries calibrated: rank 20 with 4 outliers, rank 0 without outliers (an empty body), rank 5, rank 0 with 2 outliers. */
    private static final int[] BOUNDARIES = {0, 3, 5, 7};
    private static final List<HiddenStateCodec> CODECS = HiddenStateCodecs.available(Optional.of(calibration()));
    /** What refusing a payload may allocate: a buffer view, a CRC, an exception and its message. */
    private static final long REFUSAL_ALLOWANCE = 64 << 10;
    /**
     * What decoding may allocate beside 16 bytes per value and per payload byte: until the JIT has
     * compiled the SCM codecs' vector kernels, the interpreter boxes every vector they use, some
     * hundred bytes per value of a window in the first inputs. An allocation sized by anything
     * but the window and its payload (the overflowing windows among the inputs ask for 2^31
     * values and more) would not fit.
     */
    private static final long DECODING_SLACK = 4 << 20;

    private static CodecCalibration calibration() {
        List<ScmBoundary> boundaries = List.of(
                RandomCodebooks.boundary(0, WIDTH, 20, 4, 11),
                new ScmBoundary(3, WIDTH, new float[WIDTH], new int[0], 0, new float[0], 0),
                RandomCodebooks.boundary(5, WIDTH, 5, 0, 12),
                RandomCodebooks.boundary(7, WIDTH, 0, 2, 13));
        byte[] hash = new byte[32];
        hash[0] = 42;
        return new CodecCalibration(new ScmCodebook(new ModelId(new byte[32]), WIDTH, 0.99, boundaries), hash);
    }

    @Test
    void everyCodecCoversTheBuiltInAndScmCodecs() {
        assertThat(CODECS).extracting(HiddenStateCodec::name)
                .containsExactly("fp32", "fp16", "int8", "int4", "scm8", "scm4", "scm16", "scm8w", "scm4w");
    }

    @Test
    void anyPayloadDecodesToItsWindowOrIsRefused() {
        FuzzRun.run("hidden-state codecs, any payload", random -> {
            HiddenStateCodec codec = CODECS.get(random.nextInt(CODECS.size()));
            int boundary = random.nextInt(8) == 0 ? random.nextInt(-2, 10) : BOUNDARIES[random.nextInt(BOUNDARIES.length)];
            int width = codec instanceof ScmCodec && random.nextInt(8) != 0 ? WIDTH : random.nextInt(-1, 300);
            int positions = positions(random, width);
            decodeOrRefuse(codec, payload(random, codec, positions, width, boundary), positions, width, boundary);
        });
    }

    @Test
    void changedEncodingsWithAFixedChecksumDecodeOrAreRefused() {
        FuzzRun.run("hidden-state codecs, changed encodings", random -> {
            HiddenStateCodec codec = CODECS.get(random.nextInt(CODECS.size()));
            int boundary = BOUNDARIES[random.nextInt(BOUNDARIES.length)];
            int positions = 1 + random.nextInt(40);
            byte[] payload = codec.encode(states(random, positions, WIDTH), boundary);
            int changes = 1 + random.nextInt(6);
            int body = payload.length - ChecksummedCodec.CHECKSUM_BYTES;
            for (int c = 0; c < changes && body > 0; c++) {
                payload[random.nextInt(body)] ^= (byte) (1 + random.nextInt(255));
            }
            decodeOrRefuse(codec, withChecksum(payload, body), positions, WIDTH, boundary);
        });
    }

    /**
     * A window's payload has no length field of its own: its size follows from positions × width,
     * which the codec checks against the bytes before it allocates the window. Claiming a million
     * positions with 100 bytes costs no more than the refusal.
     */
    @Test
    void aPayloadTooShortForItsWindowIsRefusedBeforeTheWindowIsAllocated() {
        byte[] payload = new byte[100];
        for (HiddenStateCodec codec : CODECS) {
            int boundary = codec instanceof ScmCodec ? 0 : 1;
            long allocated = ThreadAllocations.ofSecondRun(() -> assertThatThrownBy(() -> codec.decode(payload, 1 << 20, WIDTH, boundary))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 100 (truncated)"));
            assertThat(allocated).as("%s refusing 100 bytes for a window of 2^20 × %d", codec.name(), WIDTH)
                    .isLessThan(REFUSAL_ALLOWANCE);
        }
    }

    /** Mostly a short window; now and then no positions, a negative count, or one whose values overflow an int. */
    private static int positions(SplittableRandom random, int width) {
        return switch (random.nextInt(16)) {
            case 0 -> random.nextInt(-3, 1);
            case 1 -> Integer.MAX_VALUE;
            case 2 -> width > 0 ? Integer.MAX_VALUE / width + 1 + random.nextInt(1000) : 1 << 26;
            default -> 1 + random.nextInt(64);
        };
    }

    /** Bytes of one of four kinds: any length, the right length, the right length with a correct checksum, or the right encoding. */
    private static byte[] payload(SplittableRandom random, HiddenStateCodec codec, int positions, int width, int boundary) {
        long expected;
        try {
            expected = codec.encodedBytes(positions, width, boundary);
        } catch (IllegalArgumentException e) {
            expected = -1; // a width or boundary the codec has no projection for
        }
        int kind = random.nextInt(4);
        if (expected < ChecksummedCodec.CHECKSUM_BYTES || expected > (1 << 20) || kind == 0) {
            byte[] bytes = new byte[random.nextInt(expected > 0 && expected < 4096 ? 2 * (int) expected + 1 : 4097)];
            random.nextBytes(bytes);
            return bytes;
        }
        byte[] bytes = new byte[(int) expected];
        if (kind == 3 && positions > 0 && positions <= 64 && width == WIDTH) {
            try {
                return codec.encode(states(random, positions, width), boundary);
            } catch (IllegalArgumentException e) {
                // a boundary the codec cannot code: random bytes then
            }
        }
        random.nextBytes(bytes);
        return kind == 1 ? bytes : withChecksum(bytes, bytes.length - ChecksummedCodec.CHECKSUM_BYTES);
    }

    /** Hidden states of the size real ones have, within float16's range. */
    private static HiddenStates states(SplittableRandom random, int positions, int width) {
        float[] values = new float[positions * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-2, 3)));
        }
        return new HiddenStates(positions, width, values);
    }

    /** {@code bytes} with the CRC-32C of its first {@code body} bytes written after them, as the codecs write it. */
    private static byte[] withChecksum(byte[] bytes, int body) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, body);
        ByteBuffer.wrap(bytes, body, ChecksummedCodec.CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        return bytes;
    }

    /**
     * Decodes, and decodes again to measure when the first went over the allowance (the first
     * decodings also load classes): the window of {@code positions × width} floats, the payload
     * copied twice at most, and the SCM codecs' coefficients and outliers, which are smaller, with
     * room to spare (see {@link #DECODING_SLACK}).
     */
    private static void decodeOrRefuse(HiddenStateCodec codec, byte[] payload, int positions, int width, int boundary) {
        Object[] outcome = new Object[1];
        Runnable decode = () -> {
            try {
                outcome[0] = codec.decode(payload, positions, width, boundary);
            } catch (IllegalArgumentException refused) {
                outcome[0] = refused;
            } catch (RuntimeException | OutOfMemoryError e) {
                throw new AssertionError(codec.name() + " decoding " + payload.length + " bytes as " + positions + " × " + width
                        + " at boundary " + boundary + " raised " + e + ": " + Arrays.toString(Arrays.copyOf(payload, 64)), e);
            }
        };
        long values = positions > 0 && width > 0 ? (long) positions * width : 0;
        long allowance = DECODING_SLACK + 16L * payload.length + 16 * 4 * values;
        long allocated = ThreadAllocations.of(decode);
        if (allocated > allowance) {
            allocated = ThreadAllocations.of(decode);
        }
        assertThat(allocated).as("bytes %s allocated decoding %d bytes as %d × %d", codec.name(), payload.length, positions, width)
                .isLessThanOrEqualTo(allowance);
        if (outcome[0] instanceof HiddenStates states) {
            assertThat(states.positions()).isEqualTo(positions);
            assertThat(states.width()).isEqualTo(width);
            assertThat(states.values()).hasSize(positions * width);
        }
    }
}
