package org.farnode.app.codec.scm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/** Writes a codebook in the layout of {@link ScmFile}, refusing values the format does not hold. */
final class ScmFileEncoder {

    private ScmFileEncoder() {
    }

    static byte[] encode(ScmCodebook codebook) {
        int width = codebook.width();
        if (width < 1) {
            throw new IllegalArgumentException("an .scm codebook needs a width of at least 1, got " + width);
        }
        requireFinite(codebook.fidelityTarget(), "the fidelity target");
        byte[] bytes = new byte[Math.toIntExact(checkedSize(codebook))];
        ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ScmFile.MAGIC);
        out.putShort((short) ScmFile.VERSION);
        out.put(codebook.model().sha256());
        out.putInt(width);
        out.putDouble(codebook.fidelityTarget());
        out.putInt(codebook.boundaries().size());
        for (ScmBoundary boundary : codebook.boundaries()) {
            putBoundary(out, boundary);
        }
        MessageDigest checksum = ScmFile.sha256();
        checksum.update(bytes, 0, out.position());
        out.put(checksum.digest());
        assert !out.hasRemaining() : "the size computed up front must match what was written";
        return bytes;
    }

    private static void putBoundary(ByteBuffer out, ScmBoundary boundary) {
        String name = "boundary " + boundary.boundary();
        requireFinite(boundary.explainedVariance(), name + " explained variance");
        int[] outliers = boundary.outliers();
        out.putInt(boundary.boundary());
        out.putInt(boundary.rank());
        out.putDouble(boundary.explainedVariance());
        out.putInt(outliers.length);
        for (int outlier : outliers) {
            out.putInt(outlier);
        }
        putFinite(out, boundary.mean(), name, "mean", boundary.width());
        putFinite(out, boundary.basis(), name, "basis", boundary.width());
        putFinite(out, boundary.deviations(), name, "deviations", Integer.MAX_VALUE);
    }

    /** Puts every value; the first non-finite one is refused by its place, mean[i] or basis[row][column]. */
    private static void putFinite(ByteBuffer out, float[] values, String boundary, String field, int width) {
        for (int i = 0; i < values.length; i++) {
            float value = values[i];
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException(boundary + " " + ScmFile.element(field, i, width) + " is " + value
                        + "; an .scm file holds finite values only");
            }
            out.putFloat(value);
        }
    }

    private static void requireFinite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " is " + value + "; an .scm file holds finite values only");
        }
    }

    /** The file's size, computed in {@code long} so that a huge codebook is refused, not wrapped around. */
    private static long checkedSize(ScmCodebook codebook) {
        long size = ScmFile.HEADER_BYTES + ScmFile.CHECKSUM_BYTES;
        for (ScmBoundary boundary : codebook.boundaries()) {
            size += ScmFile.BOUNDARY_HEADER_BYTES + 4L * boundary.outliers().length + 4L * boundary.width()
                    + 4L * boundary.rank() * boundary.width() + 4L * boundary.rank();
        }
        if (size > ScmFile.MAX_FILE_BYTES) {
            throw new IllegalArgumentException("the codebook would take " + size + " bytes; an .scm file is at most "
                    + ScmFile.MAX_FILE_BYTES);
        }
        return size;
    }
}
