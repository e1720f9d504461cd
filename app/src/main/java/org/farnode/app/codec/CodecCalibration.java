package org.farnode.app.codec;

import java.util.List;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.backend.ops.ActivationFormat;

/**
 * A loaded SCM codebook and its SHA-256, which a gateway and a node compare when a session
 * opens: both must hold the same calibration for SCM windows to mean the same thing. Its SCM
 * codecs are built once, here, and share one copy of the codebook's arrays: a node looks them up
 * at every session it opens, and a wide model's codebook runs to hundreds of megabytes.
 */
public final class CodecCalibration {
    private final ScmCodebook codebook;
    private final byte[] hash;
    private final List<ScmCodec> codecs;

    public CodecCalibration(ScmCodebook codebook, byte[] hash) {
        if (hash.length != 32) {
            throw new IllegalArgumentException("a codebook hash is 32 bytes (SHA-256), got " + hash.length);
        }
        this.codebook = codebook;
        this.hash = hash.clone();
        ScmCodec scm8 = new ScmCodec(codebook, hash, ActivationFormat.INT8);
        this.codecs = List.of(scm8, scm8.coding(ActivationFormat.INT4, false), scm8.coding(ActivationFormat.FP16, false),
                scm8.coding(ActivationFormat.INT8, true), scm8.coding(ActivationFormat.INT4, true));
    }

    public ScmCodebook codebook() {
        return codebook;
    }

    public byte[] hash() {
        return hash.clone();
    }

    /** scm8, scm4, scm16, scm8w and scm4w over this codebook. */
    public List<ScmCodec> codecs() {
        return codecs;
    }

    /** The first 12 hex digits of the hash, for messages. */
    public String shortHash() {
        return java.util.HexFormat.of().formatHex(hash).substring(0, 12);
    }
}
