package org.farnode.app.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.farnode.app.protocol.ModelId;

/**
 * The {@link ModelId} of a model file: SHA-256 over every byte of it, so two files with the
 * same weights and metadata get the same id and any other difference gives another.
 */
public final class ModelFingerprint {
    private static final int CHUNK = 4 << 20;

    private ModelFingerprint() {
    }

    public static ModelId of(Path file) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer.clear()) >= 0) {
                sha256.update(buffer.flip());
            }
        }
        return new ModelId(sha256.digest());
    }
}
