package org.farnode.app.codec.scm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;
import org.farnode.app.protocol.ModelId;

/**
 * The {@code .scm} file: one {@link ScmCodebook} as bytes, written by {@code far calibrate} and
 * read by nodes and the gateway, which compare {@link #hash} in their handshake.
 *
 * <p>Little-endian throughout; {@code u16}/{@code u32} are unsigned, {@code f32}/{@code f64} are
 * IEEE 754 bit patterns written as they are (so {@code -0.0} stays {@code -0.0}). Every float
 * must be finite. With {@code w} the width, {@code n} the boundary count and, per boundary,
 * {@code r} its rank and {@code m} its outlier count:
 *
 * <pre>
 * offset  bytes          field
 * 0       8              magic "FARSCM\0\0"  (46 41 52 53 43 4D 00 00)
 * 8       2              u16 format version, 1
 * 10      32             model id: SHA-256 of the model file
 * 42      4              u32 width w, 1 ..= 2^31 - 1
 * 46      8              f64 fidelity target
 * 54      4              u32 boundary count n
 * 58                     n boundaries, ascending by index, each 20 + 4m + 4w + 4rw + 4r bytes:
 *         4                u32 boundary index, 0 ..= 2^31 - 1
 *         4                u32 rank r, 0 ..= w
 *         8                f64 explained variance, 0 ..= 1
 *         4                u32 outlier count m, 0 ..= w
 *         4m               u32 outlier dimensions, ascending, each below w
 *         4w               f32 mean
 *         4rw              f32 basis, r rows of w (row-major)
 *         4r               f32 deviations: each direction's standard deviation on the calibration text
 * end-32  32             checksum: SHA-256 of bytes [0, end - 32)
 * </pre>
 *
 * <p>The encoding is canonical (one codebook, one byte string), so {@link #hash} — the SHA-256
 * of the whole file, what {@code sha256sum} prints — is equal for equal codebooks. Files are
 * read whole; a reader checks magic and version first (a later version may lay out everything
 * after them differently), then the checksum and the counts, then the values. Section "The .scm
 * codebook file" of {@code docs/protocol.md} describes the same layout.
 */
public final class ScmFile {
    static final byte[] MAGIC = "FARSCM\0\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** The format versions this build reads; a reader names them when it refuses another. */
    static final Set<Integer> READABLE_VERSIONS = Set.of(VERSION);
    /** Magic, version, model id, width, fidelity target and boundary count. */
    static final int HEADER_BYTES = 8 + 2 + ModelId.BYTES + 4 + 8 + 4;
    /** Index, rank, explained variance and outlier count: what a boundary has before its arrays. */
    static final int BOUNDARY_HEADER_BYTES = 4 + 4 + 8 + 4;
    static final int CHECKSUM_BYTES = 32;
    /** The largest file that fits one Java array, which is how files are read. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private ScmFile() {
    }

    /**
     * Writes {@code codebook} to {@code file} so that readers see the old file or the new one,
     * never part of one: the bytes go to a temporary file in the same directory, reach the disk,
     * and then replace {@code file} in one move.
     *
     * @throws IllegalArgumentException if a value is not finite (the message names the boundary and field)
     */
    public static void write(Path file, ScmCodebook codebook) throws IOException {
        byte[] bytes = toBytes(codebook);
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // On the disk before the rename, so a crash cannot leave a renamed but empty file.
                channel.force(true);
            }
            moveIntoPlace(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The codebook in {@code file}.
     *
     * @throws ScmFileException if the file is not a readable .scm file; the message names the file
     */
    public static ScmCodebook read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new ScmFileException(file + " is " + size + " bytes; an .scm file this build reads is at most "
                    + MAX_FILE_BYTES + " bytes");
        }
        return new ScmFileDecoder(file.toString(), Files.readAllBytes(file)).decode();
    }

    /**
     * The codebook in {@code file}, which must have been calibrated on {@code expected}.
     *
     * @throws ScmFileException if the file is unreadable or belongs to another model
     */
    public static ScmCodebook read(Path file, ModelId expected) throws IOException {
        ScmCodebook codebook = read(file);
        if (!codebook.model().equals(expected)) {
            throw new ScmFileException(file + " was calibrated on model " + codebook.model().shortHex()
                    + ", not on the loaded model " + expected.shortHex() + "; calibrate this model to get its own .scm file");
        }
        return codebook;
    }

    /**
     * The file's bytes for {@code codebook}.
     *
     * @throws IllegalArgumentException if a value is not finite, the width is below 1, or the file would be too large
     */
    public static byte[] toBytes(ScmCodebook codebook) {
        return ScmFileEncoder.encode(codebook);
    }

    /**
     * The codebook in {@code bytes}, a whole .scm file.
     *
     * @throws ScmFileException if the bytes are not a readable .scm file
     */
    public static ScmCodebook fromBytes(byte[] bytes) {
        return new ScmFileDecoder("the .scm data", bytes).decode();
    }

    /**
     * What nodes and the gateway compare to agree on a codebook: the SHA-256 of
     * {@link #toBytes}, equal to the SHA-256 of a file {@link #write} wrote. Equal codebooks have
     * equal hashes because the encoding is canonical.
     */
    public static byte[] hash(ScmCodebook codebook) {
        return sha256().digest(toBytes(codebook));
    }

    /** Names value {@code index} of a boundary's {@code "mean"} as mean[i], of its {@code "basis"} as basis[row][column]. */
    static String element(String field, int index, int width) {
        return field.equals("basis") ? field + "[" + (index / width) + "][" + (index % width) + "]" : field + "[" + index + "]";
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void moveIntoPlace(Path temporary, Path file) throws IOException {
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
