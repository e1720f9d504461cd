package org.farnode.app.codec.scm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.farnode.app.protocol.ModelId;

/**
 * Reads one whole .scm file in the layout of {@link ScmFile}, in three steps so that each error
 * says the most useful thing: magic and version (a wrong file, a newer format); then the layout,
 * every count checked against the bytes that remain before anything is allocated for it; then,
 * only if the checksum matches, the values themselves. A checksum mismatch is named in every
 * message it goes with, because it means the counts themselves may be what was damaged.
 */
final class ScmFileDecoder {
    private static final int VERSION_OFFSET = ScmFile.MAGIC.length;
    private static final int MODEL_OFFSET = VERSION_OFFSET + 2;
    private static final int MINIMUM_FILE_BYTES = ScmFile.HEADER_BYTES + ScmFile.CHECKSUM_BYTES;

    private final String source;
    private final byte[] bytes;
    private boolean checksumMatches;

    /** @param source the file, or a description of the bytes, for messages */
    ScmFileDecoder(String source, byte[] bytes) {
        this.source = source;
        this.bytes = bytes;
    }

    /** A boundary as the file lays it out, before its values are checked. */
    private record RawBoundary(int index, int rank, double explainedVariance, int[] outliers, float[] mean, float[] basis,
                               float[] deviations) {
    }

    ScmCodebook decode() {
        checkMagic();
        checkVersion();
        if (bytes.length < MINIMUM_FILE_BYTES) {
            throw truncated("an .scm file has at least " + MINIMUM_FILE_BYTES + " (a " + ScmFile.HEADER_BYTES + "-byte header and a "
                    + ScmFile.CHECKSUM_BYTES + "-byte checksum)");
        }
        int bodyEnd = bytes.length - ScmFile.CHECKSUM_BYTES;
        checksumMatches = checksumAt(bodyEnd);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bodyEnd).order(ByteOrder.LITTLE_ENDIAN).position(MODEL_OFFSET);

        byte[] modelId = new byte[ModelId.BYTES];
        in.get(modelId);
        long width = Integer.toUnsignedLong(in.getInt());
        if (width < 1 || width > Integer.MAX_VALUE) {
            throw badLayout("the width is " + width + "; it must be 1 ..= " + Integer.MAX_VALUE);
        }
        double fidelityTarget = in.getDouble();
        long boundaryCount = Integer.toUnsignedLong(in.getInt());
        // Every boundary holds at least its header and its mean, so a count beyond that is damage, not a big file.
        long smallestBoundary = ScmFile.BOUNDARY_HEADER_BYTES + 4 * width;
        if (boundaryCount > in.remaining() / smallestBoundary) {
            throw badLayout(boundaryCount + " boundaries of at least " + smallestBoundary + " bytes each cannot fit in the "
                    + in.remaining() + " bytes between the header and the final " + ScmFile.CHECKSUM_BYTES + "-byte checksum");
        }
        List<RawBoundary> boundaries = new ArrayList<>((int) boundaryCount);
        for (int record = 0; record < boundaryCount; record++) {
            boundaries.add(readBoundary(in, record, boundaryCount, (int) width));
        }
        checkNothingFollows(in);
        if (!checksumMatches) {
            throw corrupted(bodyEnd);
        }
        return validated(new ModelId(modelId), (int) width, fidelityTarget, boundaries);
    }

    private void checkMagic() {
        int present = Math.min(bytes.length, ScmFile.MAGIC.length);
        if (!Arrays.equals(bytes, 0, present, ScmFile.MAGIC, 0, present)) {
            throw new ScmFileException(source + " is not an .scm codebook: it starts with "
                    + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, present) + "; an .scm file starts with \"FARSCM\\0\\0\" ("
                    + HexFormat.ofDelimiter(" ").formatHex(ScmFile.MAGIC) + ")");
        }
        if (present < ScmFile.MAGIC.length) {
            throw truncated("the magic alone takes " + ScmFile.MAGIC.length);
        }
    }

    private void checkVersion() {
        if (bytes.length < MODEL_OFFSET) {
            throw truncated("the format version ends at offset " + MODEL_OFFSET);
        }
        int version = ByteBuffer.wrap(bytes, VERSION_OFFSET, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        if (!ScmFile.READABLE_VERSIONS.contains(version)) {
            throw new ScmFileException(source + " is .scm format version " + version + "; this build reads version "
                    + ScmFile.READABLE_VERSIONS.stream().sorted().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElseThrow()
                    + " (a newer far may read it)");
        }
    }

    private RawBoundary readBoundary(ByteBuffer in, int record, long boundaryCount, int width) {
        require(in, ScmFile.BOUNDARY_HEADER_BYTES, "the header of boundary record " + record + " of " + boundaryCount);
        long index = Integer.toUnsignedLong(in.getInt());
        if (index > Integer.MAX_VALUE) {
            throw badLayout("boundary record " + record + " has index " + index + "; an index is 0 ..= " + Integer.MAX_VALUE);
        }
        String name = "boundary " + index;
        long rank = Integer.toUnsignedLong(in.getInt());
        if (rank > width) {
            throw badLayout(name + " has rank " + rank + "; a rank is 0 ..= the width, " + width);
        }
        double explainedVariance = in.getDouble();
        long outlierCount = Integer.toUnsignedLong(in.getInt());
        if (outlierCount > width) {
            throw badLayout(name + " has " + outlierCount + " outliers; there are at most as many as the width, " + width);
        }
        require(in, 4 * outlierCount, name + " outlier dimensions (" + outlierCount + " × u32)");
        int[] outliers = new int[(int) outlierCount];
        in.asIntBuffer().get(outliers);
        in.position(in.position() + 4 * outliers.length);
        require(in, 4L * width, name + " mean (" + width + " × f32)");
        float[] mean = floats(in, width);
        require(in, 4 * rank * width, name + " basis (" + rank + " × " + width + " f32)");
        float[] basis = floats(in, (int) (rank * width));
        require(in, 4 * rank, name + " deviations (" + rank + " × f32)");
        float[] deviations = floats(in, (int) rank);
        return new RawBoundary((int) index, (int) rank, explainedVariance, outliers, mean, basis, deviations);
    }

    private static float[] floats(ByteBuffer in, int count) {
        float[] values = new float[count];
        in.asFloatBuffer().get(values);
        in.position(in.position() + 4 * count);
        return values;
    }

    private void require(ByteBuffer in, long byteCount, String what) {
        if (byteCount > in.remaining()) {
            throw badLayout(what + " needs " + byteCount + " bytes at offset " + in.position() + ", but only " + in.remaining()
                    + " remain before the final " + ScmFile.CHECKSUM_BYTES + "-byte checksum");
        }
    }

    /** The last boundary must end where the checksum begins. */
    private void checkNothingFollows(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return;
        }
        int end = in.position();
        // A whole file with something appended (two files concatenated, a padded download) is worth telling apart.
        if (checksumAt(end)) {
            throw new ScmFileException(source + " has trailing bytes: a complete .scm file of " + (end + ScmFile.CHECKSUM_BYTES)
                    + " bytes is followed by " + (bytes.length - end - ScmFile.CHECKSUM_BYTES)
                    + " more; an .scm file ends with its checksum");
        }
        throw badLayout(in.remaining() + " bytes follow the last boundary, at offset " + end
                + "; the checksum must follow the last boundary directly");
    }

    private ScmCodebook validated(ModelId model, int width, double fidelityTarget, List<RawBoundary> raw) {
        if (!Double.isFinite(fidelityTarget)) {
            throw invalid("the fidelity target is " + fidelityTarget + "; an .scm file holds finite values only");
        }
        List<ScmBoundary> boundaries = new ArrayList<>(raw.size());
        for (RawBoundary boundary : raw) {
            if (!boundaries.isEmpty() && boundary.index() <= boundaries.getLast().boundary()) {
                throw invalid("boundary " + boundary.index() + " follows boundary " + boundaries.getLast().boundary()
                        + "; boundaries are in ascending order, each once");
            }
            checkOutliers(boundary, width);
            checkFinite(boundary.mean(), boundary.index(), "mean", width);
            checkFinite(boundary.basis(), boundary.index(), "basis", width);
            checkFinite(boundary.deviations(), boundary.index(), "deviations", Integer.MAX_VALUE);
            try {
                boundaries.add(new ScmBoundary(boundary.index(), width, boundary.mean(), boundary.outliers(), boundary.rank(),
                        boundary.basis(), boundary.explainedVariance(), boundary.deviations()));
            } catch (IllegalArgumentException e) {
                throw new ScmFileException(source + ": boundary " + boundary.index() + " is " + e.getMessage(), e);
            }
        }
        return new ScmCodebook(model, width, fidelityTarget, boundaries);
    }

    private void checkOutliers(RawBoundary boundary, int width) {
        int[] outliers = boundary.outliers();
        for (int i = 0; i < outliers.length; i++) {
            long dimension = Integer.toUnsignedLong(outliers[i]);
            if (dimension >= width) {
                throw invalid("boundary " + boundary.index() + " outlier " + i + " is dimension " + dimension
                        + "; dimensions are 0 ..= " + (width - 1));
            }
            if (i > 0 && outliers[i] <= outliers[i - 1]) {
                throw invalid("boundary " + boundary.index() + " outlier " + i + " is dimension " + outliers[i] + " after "
                        + outliers[i - 1] + "; outlier dimensions are ascending, each once");
            }
        }
    }

    private void checkFinite(float[] values, int boundary, String field, int width) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw invalid("boundary " + boundary + " " + ScmFile.element(field, i, width) + " is " + values[i]
                        + "; an .scm file holds finite values only");
            }
        }
    }

    private boolean checksumAt(int end) {
        MessageDigest digest = ScmFile.sha256();
        digest.update(bytes, 0, end);
        return Arrays.equals(digest.digest(), 0, ScmFile.CHECKSUM_BYTES, bytes, end, end + ScmFile.CHECKSUM_BYTES);
    }

    private ScmFileException truncated(String detail) {
        return new ScmFileException(source + " is truncated: it is " + bytes.length + " bytes; " + detail);
    }

    /** A count or length that does not fit; if the checksum fails too, the file was cut short or damaged. */
    private ScmFileException badLayout(String problem) {
        return new ScmFileException(source + (checksumMatches ? ": " : " is truncated or corrupted (checksum mismatch): ") + problem);
    }

    private ScmFileException corrupted(int bodyEnd) {
        MessageDigest digest = ScmFile.sha256();
        digest.update(bytes, 0, bodyEnd);
        HexFormat hex = HexFormat.of();
        return new ScmFileException(source + " is corrupted (checksum mismatch): the SHA-256 of its first " + bodyEnd
                + " bytes is " + hex.formatHex(digest.digest()) + ", but the file records "
                + hex.formatHex(bytes, bodyEnd, bytes.length) + "; copy or calibrate it again");
    }

    /** Values that the checksum vouches for but the format does not allow: a faulty writer, not damage. */
    private ScmFileException invalid(String problem) {
        return new ScmFileException(source + ": " + problem);
    }
}
