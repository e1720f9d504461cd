package org.farnode.app.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The digest the hub records for a file: SHA-256 for files kept in Git LFS (every model weight
 * file), and for the small files Git keeps itself (config.json and the like) the Git blob id, the
 * SHA-1 of {@code "blob <size>\0"} followed by the content.
 */
public record Checksum(Kind kind, String hex) {

    public enum Kind {
        SHA256("sha256", "SHA-256"),
        GIT_BLOB_SHA1("git blob sha1", "SHA-1");

        private final String label;
        private final String jdkAlgorithm;

        Kind(String label, String jdkAlgorithm) {
            this.label = label;
            this.jdkAlgorithm = jdkAlgorithm;
        }

        public String label() {
            return label;
        }
    }

    public Checksum {
        hex = hex.toLowerCase(Locale.ROOT);
    }

    public static Checksum sha256(String hex) {
        return new Checksum(Kind.SHA256, hex);
    }

    public static Checksum gitBlobSha1(String hex) {
        return new Checksum(Kind.GIT_BLOB_SHA1, hex);
    }

    /** This kind of digest of {@code file}, in lower-case hex. */
    public String computeFor(Path file) throws IOException {
        MessageDigest digest = newDigest();
        if (kind == Kind.GIT_BLOB_SHA1) {
            digest.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        try (InputStream in = Files.newInputStream(file);
             OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(sink);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(kind.jdkAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + kind.jdkAlgorithm, e);
        }
    }
}
