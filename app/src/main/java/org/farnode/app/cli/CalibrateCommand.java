package org.farnode.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.ScmCodec;
import org.farnode.app.codec.scm.BoundaryFit;
import org.farnode.app.codec.scm.BoundaryStatistics;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.codec.scm.ScmFile;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.svs.BoundaryRecorder;
import org.farnode.app.svs.TextSequences;
import org.farnode.backend.Backend;
import org.farnode.backend.ops.ActivationFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code far calibrate}: runs a text through the model, collects the hidden states at every
 * layer boundary, and writes an SCM codebook: per boundary the mean, the outlier dimensions and
 * the principal directions that keep the asked fraction of the variance.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate the SCM hidden-state codec on a text and write its codebook (.scm) for this model.")
final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "Calibration text (paragraphs separated by blank lines).")
    Path text;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Codebook to write (.scm).")
    Path out;

    @Option(names = "--fidelity", defaultValue = "0.999",
            description = "Fraction of each boundary's variance (outliers aside) the kept directions must carry, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double fidelity;

    @Option(names = "--max-rank", description = "Most directions per boundary (default: the model's width).")
    Integer maxRank;

    @Option(names = "--max-outliers", defaultValue = "8", description = "Most dimensions per boundary sent exactly (default: ${DEFAULT-VALUE}).")
    int maxOutliers;

    @Option(names = "--outlier-factor", defaultValue = "6",
            description = "A dimension is an outlier when its RMS exceeds this many times the median RMS (default: ${DEFAULT-VALUE}).")
    double outlierFactor;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        try (LoadedModel loaded = model.open(); Backend backend = Backend.cpu(null)) {
            int width = loaded.config().embeddingLength();
            BoundaryFit fit = new BoundaryFit(fidelity, maxRank == null ? width : maxRank, outlierFactor, maxOutliers);
            List<int[]> sequences = TextSequences.of(loaded.tokenizer(), Files.readString(text), loaded.config().contextLength());
            err.println("far calibrate: hashing " + loaded.path() + " for its model id...");
            var modelId = ModelFingerprint.of(loaded.path());
            BoundaryRecorder recorder = new BoundaryRecorder(loaded.weights(), backend.ops());
            List<BoundaryStatistics> statistics = new ArrayList<>();
            for (int b = 0; b <= recorder.layerCount(); b++) {
                statistics.add(new BoundaryStatistics(b, width));
            }
            long total = TextSequences.tokens(sequences);
            long done = 0;
            for (int[] sequence : sequences) {
                recorder.record(sequence, 64, (boundary, states) -> statistics.get(boundary).addRows(states.values(), 0, states.positions()));
                done += sequence.length;
                err.printf("far calibrate: %d of %d tokens through %d layers%n", done, total, recorder.layerCount());
                err.flush();
            }
            List<ScmBoundary> boundaries = new ArrayList<>();
            for (BoundaryStatistics s : statistics) {
                boundaries.add(fit.fit(s));
            }
            ScmCodebook codebook = new ScmCodebook(modelId, width, fidelity, boundaries);
            ScmFile.write(out, codebook);
            printSummary(stdout, codebook, total);
        }
        return 0;
    }

    private void printSummary(PrintWriter stdout, ScmCodebook codebook, long tokens) {
        byte[] hash = ScmFile.hash(codebook);
        ScmCodec scm8 = new ScmCodec(codebook, hash, ActivationFormat.INT8);
        ScmCodec scm4 = new ScmCodec(codebook, hash, ActivationFormat.INT4);
        long fp16 = new Fp16Codec().encodedBytes(1, codebook.width(), 0);
        stdout.printf("wrote %s (%s), calibrated on %d tokens, fidelity %s%n", out, java.util.HexFormat.of().formatHex(hash).substring(0, 12),
                tokens, fidelity);
        stdout.println("boundary  rank  outliers  explained  scm8 bytes/token  scm4 bytes/token  fp16 bytes/token");
        for (ScmBoundary b : codebook.boundaries()) {
            stdout.printf("%8d  %4d  %8d  %9.5f  %16d  %16d  %16d%n", b.boundary(), b.rank(), b.outliers().length, b.explainedVariance(),
                    scm8.encodedBytes(1, codebook.width(), b.boundary()), scm4.encodedBytes(1, codebook.width(), b.boundary()), fp16);
        }
    }
}
