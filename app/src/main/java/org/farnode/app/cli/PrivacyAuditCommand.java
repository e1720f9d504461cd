package org.farnode.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.farnode.app.codec.CodecCalibration;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.privacy.AuditPrompts;
import org.farnode.app.privacy.AuditResults;
import org.farnode.app.privacy.AuditTable;
import org.farnode.app.privacy.HopSetting;
import org.farnode.app.privacy.PrivacyAudit;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.svs.TextSequences;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code far privacy-audit}: how much of a prompt the operator of the node at each layer boundary
 * could recover from what that node receives, by vocabulary matching and by a learned linear
 * decoder, per codec and (optionally) per level of the gateway's noise. A Markdown table on
 * stdout, progress on stderr, the figures as JSON with {@code --out}.
 */
@Command(name = "privacy-audit", mixinStandardHelpOptions = true,
        description = "Measure how much of the prompt the node at each layer boundary could recover from the hidden states it receives.")
final class PrivacyAuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--text", required = true, paramLabel = "FILE",
            description = "Held-out text to attack (paragraphs separated by blank lines), e.g. assets/svs/heldout.txt.")
    Path text;

    @Option(names = "--train-text", defaultValue = "assets/svs/calibration.txt", paramLabel = "FILE",
            description = "Text the learned decoder is trained on, not the held-out one (default: ${DEFAULT-VALUE}).")
    Path trainText;

    @Option(names = "--codec", paramLabel = "NAME",
            description = "Codec of the hop into the node, repeat for several: fp32, fp16, int8, int4, scm8, scm4, scm16 (SCM needs --scm) "
                    + "(default: fp16).")
    List<String> codecs = new ArrayList<>();

    @Option(names = "--scm", paramLabel = "FILE", description = "SCM codebook written by far calibrate for this model (for the scm codecs).")
    Path scm;

    @Option(names = "--boundaries", defaultValue = "all", paramLabel = "all|B,B,...",
            description = "Layer boundaries to audit: the node serving layers from B receives the states entering layer B; "
                    + "0 is the token embeddings (default: ${DEFAULT-VALUE}, 0 to the layer count − 1).")
    String boundaries;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Attack at most N held-out text positions (default: the whole text).")
    Integer maxTokens;

    @Option(names = "--prompt-tokens", defaultValue = "32", paramLabel = "N",
            description = "Tokens per prompt, BOS included: each held-out paragraph is cut into prompts this long (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--noise-std", paramLabel = "S",
            description = "Also measure with the gateway adding Gaussian noise of S × each vector's RMS before encoding; repeat for several.")
    List<Double> noiseLevels = new ArrayList<>();

    @Option(names = "--noise-boundaries", paramLabel = "B,B,...", description = "Boundaries the noise levels are measured at (default: every audited one).")
    String noiseBoundaries;

    @Option(names = "--noise-codec", paramLabel = "NAME", description = "Codecs the noise levels are measured with; repeat (default: every --codec).")
    List<String> noiseCodecs = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Threads, each computing on its own (default: one per core).")
    Integer threads;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON (read by the desktop app).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> codecNames = codecs.isEmpty() ? List.of("fp16") : codecs;
        checkNames(codecNames);
        checkNames(noiseCodecs);
        if (promptTokens < 2 || maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("--prompt-tokens must be at least 2 (BOS and a token), --max-tokens at least 1");
        }
        for (double level : noiseLevels) {
            if (!(level > 0) || Double.isInfinite(level)) {
                throw new IllegalArgumentException("--noise-std must be a finite number above 0 (the rows without noise are always measured), got "
                        + level);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        try (LoadedModel loaded = model.open()) {
            ModelId modelId = ModelFingerprint.of(loaded.path());
            Optional<CodecCalibration> calibration = CodecOptions.calibration(scm, modelId);
            List<PrivacyAudit.Condition> conditions = conditions(codecNames, calibration, loaded.config().blockCount());
            String heldOutText = Files.readString(text);
            int context = loaded.config().contextLength();
            int positions = maxTokens == null ? Integer.MAX_VALUE : maxTokens;
            AuditPrompts prompts = AuditPrompts.of(loaded.tokenizer(), heldOutText, promptTokens, positions);
            List<int[]> training = TextSequences.of(loaded.tokenizer(), Files.readString(trainText), context);
            List<int[]> quality = firstTokens(TextSequences.of(loaded.tokenizer(), heldOutText, context), positions);
            err.printf("far privacy-audit: %s; the learned decoder trains on %s (%d tokens); noise costs measured on %d held-out tokens "
                    + "(whole paragraphs, teacher-forced)%n", prompts.description(), trainText, TextSequences.tokens(training),
                    TextSequences.tokens(quality));
            err.flush();
            PrivacyAudit audit = new PrivacyAudit(loaded.weights(), threadCount, prompts, training, quality, line -> {
                err.println(line);
                err.flush();
            });
            AuditResults results = new AuditResults(modelId.hex(), loaded.path().getFileName().toString(), text.toString(),
                    trainText.toString(), prompts.description(), prompts.prompts().size(), prompts.positions(), audit.run(conditions));
            out.printf("Privacy audit of %s (model %s): what the node at each layer boundary recovers of the prompts.%n",
                    results.modelFile(), modelId.shortHex());
            out.printf("Held-out text %s: %s. Learned decoder trained on %s.%n", text, prompts.description(), trainText);
            if (!noiseLevels.isEmpty()) {
                out.printf("Noise rows: greedy agreement and mean KL against the same route without noise, over %d held-out tokens.%n",
                        TextSequences.tokens(quality));
            }
            out.println();
            AuditTable.lines(results).forEach(out::println);
            if (this.out != null) {
                results.write(this.out);
                err.println("wrote " + this.out);
            }
        }
        return 0;
    }

    /**
     * The rows to measure, boundary by boundary: every codec without noise, each followed by its
     * noise levels where --noise-boundaries and --noise-codec ask for them.
     */
    private List<PrivacyAudit.Condition> conditions(List<String> codecNames, Optional<CodecCalibration> calibration, int layers) {
        List<Integer> audited = boundaryList(boundaries, layers, "--boundaries");
        List<Integer> noisyBoundaries = noiseBoundaries == null ? audited : boundaryList(noiseBoundaries, layers, "--noise-boundaries");
        List<String> noisyCodecs = (noiseCodecs.isEmpty() ? codecNames : noiseCodecs).stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        if (!audited.containsAll(noisyBoundaries) || !codecNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList().containsAll(noisyCodecs)) {
            throw new IllegalArgumentException("--noise-boundaries and --noise-codec must name boundaries and codecs that are audited "
                    + "(--boundaries " + boundaries + ", --codec " + String.join(", ", codecNames) + ")");
        }
        List<PrivacyAudit.Condition> conditions = new ArrayList<>();
        for (int boundary : audited) {
            for (String name : codecNames) {
                HiddenStateCodec codec = HiddenStateCodecs.byName(name, calibration);
                conditions.add(new PrivacyAudit.Condition(boundary, new HopSetting(codec, 0)));
                if (noisyBoundaries.contains(boundary) && noisyCodecs.contains(name.toLowerCase(Locale.ROOT))) {
                    noiseLevels.stream().sorted().forEach(s -> conditions.add(new PrivacyAudit.Condition(boundary, new HopSetting(codec, s))));
                }
            }
        }
        return conditions;
    }

    /** Refuses unknown codec names, and SCM ones without --scm, before anything slow starts. */
    private void checkNames(List<String> names) {
        for (String name : names) {
            if (!HiddenStateCodecs.needsCalibrationName(name) || scm == null) {
                HiddenStateCodecs.byName(name);
            }
        }
    }

    /** {@code all} (0 to {@code layers − 1}) or a comma list, each a boundary a node receives. */
    static List<Integer> boundaryList(String text, int layers, String option) {
        if (text.strip().equalsIgnoreCase("all")) {
            return java.util.stream.IntStream.range(0, layers).boxed().toList();
        }
        List<Integer> list = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                int boundary = Integer.parseInt(part.strip());
                if (boundary >= 0 && boundary < layers && !list.contains(boundary)) {
                    list.add(boundary);
                    continue;
                }
            } catch (NumberFormatException e) {
                // the message below says what is allowed
            }
            throw new IllegalArgumentException(option + " '" + text + "' must be all or a comma list of distinct boundaries from 0 to "
                    + (layers - 1) + " (a node receives the states entering its first layer; " + layers + " is the gateway's own)");
        }
        return list;
    }

    /** The first {@code limit} tokens of {@code sequences}, the last one cut to fit. */
    private static List<int[]> firstTokens(List<int[]> sequences, int limit) {
        List<int[]> kept = new ArrayList<>();
        long tokens = 0;
        for (int[] sequence : sequences) {
            if (tokens >= limit) {
                break;
            }
            int[] used = java.util.Arrays.copyOf(sequence, (int) Math.min(sequence.length, Math.max(2, limit - tokens)));
            kept.add(used);
            tokens += used.length;
        }
        return kept;
    }
}
