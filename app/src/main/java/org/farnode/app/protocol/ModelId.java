package org.farnode.app.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Identifies the exact weights of a model: the SHA-256 of its file. A gateway and a node agree
 * to work together only when their model ids are equal, so no session ever mixes two models.
 */
public record ModelId(byte[] sha256) {
    public static final int BYTES = 32;

    public ModelId {
        if (sha256.length != BYTES) {
            throw new IllegalArgumentException("a model id is " + BYTES + " bytes, got " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(sha256);
    }

    /** The first 12 hex digits, enough to tell models apart in logs and tables. */
    public String shortHex() {
        return hex().substring(0, 12);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelId id && Arrays.equals(sha256, id.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return hex();
    }
}
