package org.farnode.app.codec;

import org.farnode.app.codec.scm.ScmCodebook;

/**
 * A loaded SCM codebook and its SHA-256, which a gateway and a node compare when a session
 * opens: both must hold the same calibration for SCM windows to mean the same thing.
 */
public record CodecCalibration(ScmCodebook codebook, byte[] hash) {
    public CodecCalibration {
        if (hash.length != 32) {
            throw new IllegalArgumentException("a codebook hash is 32 bytes (SHA-256), got " + hash.length);
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The first 12 hex digits of the hash, for messages. */
    public String shortHash() {
        return java.util.HexFormat.of().formatHex(hash).substring(0, 12);
    }
}
