package org.farnode.app.codec.scm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.farnode.app.protocol.ModelId;

/** Codebooks and .scm bytes for the ScmFile tests, and the offsets the class javadoc documents. */
final class ScmFileSamples {
    static final int VERSION_OFFSET = 8;
    static final int MODEL_OFFSET = 10;
    static final int WIDTH_OFFSET = 42;
    static final int FIDELITY_OFFSET = 46;
    static final int COUNT_OFFSET = 54;
    static final int FIRST_BOUNDARY_OFFSET = 58;

    private ScmFileSamples() {
    }

    static ModelId randomModel(Random random) {
        byte[] id = new byte[ModelId.BYTES];
        random.nextBytes(id);
        return new ModelId(id);
    }

    /**
     * A codebook of one boundary per entry of {@code ranks}, with as many outliers as the same
     * entry of {@code outlierCounts}; boundary indices ascend with random gaps.
     */
    static ScmCodebook codebook(long seed, int width, int[] ranks, int[] outlierCounts) {
        Random random = new Random(seed);
        List<ScmBoundary> boundaries = new ArrayList<>();
        int index = random.nextInt(3);
        for (int b = 0; b < ranks.length; b++) {
            float[] deviations = randomFloats(random, ranks[b]);
            for (int k = 0; k < deviations.length; k++) {
                deviations[k] = Math.abs(deviations[k]);
            }
            boundaries.add(new ScmBoundary(index, width, randomFloats(random, width), randomOutliers(random, width, outlierCounts[b]),
                    ranks[b], randomFloats(random, ranks[b] * width), random.nextDouble(), deviations));
            index += 1 + random.nextInt(4);
        }
        return new ScmCodebook(randomModel(random), width, 0.5 + random.nextDouble() / 2, boundaries);
    }

    /** Three boundaries of width 6: rank 2 with 2 outliers, rank 0 with none, rank 6 with 1. */
    static ScmCodebook small() {
        return codebook(7, 6, new int[] {2, 0, 6}, new int[] {2, 0, 1});
    }

    /** Floats of many magnitudes, with the odd signed zero and extreme finite value among them. */
    static float[] randomFloats(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (random.nextInt(40)) {
                case 0 -> -0.0f;
                case 1 -> 0.0f;
                case 2 -> Float.MIN_VALUE;
                case 3 -> -Float.MAX_VALUE;
                default -> (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
            };
        }
        return values;
    }

    static int[] randomOutliers(Random random, int width, int count) {
        return random.ints(0, width).distinct().limit(count).sorted().toArray();
    }

    /** The bytes with their checksum recomputed: a file some faulty writer could have made. */
    static byte[] resealed(byte[] file) {
        byte[] copy = file.clone();
        int bodyEnd = copy.length - 32;
        MessageDigest digest = sha256();
        digest.update(copy, 0, bodyEnd);
        System.arraycopy(digest.digest(), 0, copy, bodyEnd, 32);
        return copy;
    }

    static byte[] withInt(byte[] file, int offset, int value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    static byte[] withFloat(byte[] file, int offset, float value) {
        return withInt(file, offset, Float.floatToRawIntBits(value));
    }

    static byte[] withDouble(byte[] file, int offset, double value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putDouble(offset, value);
        return copy;
    }

    static int intAt(byte[] file, int offset) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    /** Where each boundary record of {@code codebook}'s file starts, by the documented layout. */
    static int[] boundaryOffsets(ScmCodebook codebook) {
        int[] offsets = new int[codebook.boundaries().size()];
        int offset = FIRST_BOUNDARY_OFFSET;
        for (int b = 0; b < offsets.length; b++) {
            offsets[b] = offset;
            ScmBoundary boundary = codebook.boundaries().get(b);
            offset += 20 + 4 * boundary.outliers().length + 4 * boundary.width() + 4 * boundary.rank() * boundary.width() + 4 * boundary.rank();
        }
        return offsets;
    }

    /** The bytes with {@code extra} inserted just before the checksum. */
    static byte[] insertedBeforeChecksum(byte[] file, byte[] extra) {
        int bodyEnd = file.length - 32;
        byte[] longer = Arrays.copyOf(file, file.length + extra.length);
        System.arraycopy(extra, 0, longer, bodyEnd, extra.length);
        System.arraycopy(file, bodyEnd, longer, bodyEnd + extra.length, 32);
        return longer;
    }

    static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
