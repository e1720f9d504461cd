package org.farnode.app.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes files that hold one PEM block ({@code -----BEGIN <type>-----}, base64 DER,
 * {@code -----END <type>-----}). Problems with a file's content are reported as
 * {@link IdentityFileException}s that name the file.
 */
final class PemFiles {
    /** Who may read a file, where the file system has POSIX permissions. */
    enum Access {
        OWNER_ONLY("rw-------"),
        WORLD_READABLE("rw-r--r--");

        private final String posixPermissions;

        Access(String posixPermissions) {
            this.posixPermissions = posixPermissions;
        }
    }

    private PemFiles() {
    }

    /** The DER bytes of the first PEM block in {@code file}, which must be of {@code expectedType}. */
    static byte[] read(Path file, String expectedType) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) {
            throw new IdentityFileException(file + " is empty; expected a PEM " + expectedType
                    + " block (was an earlier write interrupted?)");
        }
        PemObject block;
        // ISO-8859-1 maps every byte to a character, so a binary file fails as "no PEM block", not as a charset error.
        try (PemReader reader = new PemReader(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)))) {
            block = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad base64 as an unchecked DecoderException.
            throw new IdentityFileException(file + " holds a damaged PEM block (" + e.getMessage()
                    + "); expected a PEM " + expectedType + " block", e);
        }
        if (block == null) {
            throw new IdentityFileException(file + " holds no PEM block; expected \"-----BEGIN " + expectedType + "-----\"");
        }
        if (!block.getType().equals(expectedType)) {
            throw new IdentityFileException(file + " holds a PEM " + block.getType() + " block; expected " + expectedType);
        }
        return block.getContent();
    }

    /**
     * Writes {@code der} as one PEM block to {@code file}, which must not exist yet. The content is
     * written to a temporary file, flushed to disk and then renamed, so {@code file} appears
     * complete or not at all; the rename refuses to replace a file that appeared in the meantime.
     */
    static void write(Path file, String type, byte[] der, Access access) throws IOException {
        byte[] pem = encode(type, der);
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, file.getFileName() + ".", ".tmp", permissions(directory.getFileSystem(), access));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(pem);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] encode(String type, byte[] der) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static FileAttribute<?>[] permissions(FileSystem fileSystem, Access access) {
        if (!fileSystem.supportedFileAttributeViews().contains("posix")) {
            // Elsewhere (Windows) the file inherits the access rules of the data directory.
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(access.posixPermissions))};
    }
}
