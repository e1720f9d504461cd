package org.farnode.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.farnode.app.codec.CodecCalibration;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.codec.scm.ScmFile;
import org.farnode.app.protocol.ModelId;
import picocli.CommandLine.Option;

/** {@code --codec} and {@code --scm}: how hidden states travel between peers, and the SCM codebook if one is used. */
final class CodecOptions {
    @Option(names = "--codec", defaultValue = "fp32",
            description = "Hidden-state codec: fp32 (exact), fp16, int8, int4 (blockwise), scm8, scm4 or scm16 (calibrated, need --scm) "
                    + "(default: ${DEFAULT-VALUE}).")
    String codec;

    @Option(names = "--scm", paramLabel = "FILE", description = "SCM codebook written by far calibrate for this model (for --codec scm8|scm4|scm16).")
    Path scm;

    /** The codebook of {@code --scm}, checked against {@code model}; empty without the option. */
    Optional<CodecCalibration> calibration(ModelId model) throws IOException {
        return calibration(scm, model);
    }

    static Optional<CodecCalibration> calibration(Path scm, ModelId model) throws IOException {
        if (scm == null) {
            return Optional.empty();
        }
        var codebook = ScmFile.read(scm, model);
        return Optional.of(new CodecCalibration(codebook, ScmFile.hash(codebook)));
    }

    /** The chosen codec; an SCM one with the codebook of {@code --scm}. */
    HiddenStateCodec codec(ModelId model) throws IOException {
        return HiddenStateCodecs.byName(codec, calibration(model));
    }

    /** Checks the name (and that an SCM codec has its --scm) before anything slow starts; the codebook is read later. */
    void checkName() {
        if (!HiddenStateCodecs.needsCalibrationName(codec) || scm == null) {
            HiddenStateCodecs.byName(codec); // an unknown name, or an SCM codec without --scm, is refused here
        }
    }
}
