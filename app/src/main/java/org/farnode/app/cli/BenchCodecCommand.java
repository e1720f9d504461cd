package org.farnode.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.farnode.app.codec.CodecCalibration;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.directory.Route;
import org.farnode.app.svs.CodecEvaluation;
import org.farnode.app.svs.TextSequences;
import org.farnode.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code far bench codec}: bytes against quality for every hidden-state codec, on a model split
 * into hops, against the uncompressed run; prints one Markdown table row per codec and setting.
 */
@Command(name = "codec", mixinStandardHelpOptions = true,
        description = "Measure bytes per token per hop, greedy agreement, KL divergence and perplexity for each hidden-state codec.")
final class BenchCodecCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--scm", paramLabel = "FILE", description = "SCM codebook from far calibrate (repeat to compare several).")
    List<Path> scm = new ArrayList<>();

    @Option(names = "--text", required = true, paramLabel = "FILE",
            description = "Held-out text: prompts for the greedy runs and the text perplexity is measured on (not the calibration text).")
    Path text;

    @Option(names = "--hops", defaultValue = "2", description = "Nodes the layers are split over, evenly (default: ${DEFAULT-VALUE}).")
    int hops;

    @Option(names = "--generated-tokens", defaultValue = "2000",
            description = "Greedy tokens to compare codecs on, over several prompts (default: ${DEFAULT-VALUE}).")
    int generatedTokens;

    @Option(names = "--prompt-tokens", defaultValue = "4",
            description = "Tokens of each held-out paragraph used as a prompt, BOS included (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--length", defaultValue = "256", description = "Tokens per greedy sequence, prompt included (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--window", defaultValue = "1",
            description = "Positions per window through the hops: 1 as in decoding, 4-8 as a prefill chunk or speculative window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--perplexity-tokens", defaultValue = "20000",
            description = "At most this many held-out tokens for perplexity (default: ${DEFAULT-VALUE}).")
    int perplexityTokens;

    @Override
    public Integer call() throws Exception {
        if (hops < 1 || generatedTokens < 1 || promptTokens < 1 || length <= promptTokens || perplexityTokens < 2 || window < 1) {
            throw new IllegalArgumentException("--hops, --generated-tokens, --prompt-tokens and --window must be at least 1, --length more "
                    + "than --prompt-tokens, --perplexity-tokens at least 2");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel loaded = model.open(); Backend backend = Backend.cpu(null)) {
            int context = loaded.config().contextLength();
            ModelId modelId = ModelFingerprint.of(loaded.path());
            List<HiddenStateCodec> codecs = new ArrayList<>(HiddenStateCodecs.all());
            List<String> settings = new ArrayList<>(List.of("exact", "IEEE half", "blocks of 32", "blocks of 32"));
            for (Path file : scm) {
                CodecCalibration calibration = CodecOptions.calibration(file, modelId).orElseThrow();
                for (HiddenStateCodec codec : HiddenStateCodecs.available(java.util.Optional.of(calibration))) {
                    if (HiddenStateCodecs.needsCalibration(codec.id())) {
                        codecs.add(codec);
                        settings.add(describe(file, calibration));
                    }
                }
            }
            if (length > context) { // after the codebooks: a codebook of another model is the first thing to say
                throw new IllegalArgumentException("--length " + length + " is longer than the model's context of " + context);
            }
            List<int[]> heldOut = TextSequences.of(loaded.tokenizer(), Files.readString(text), context);
            CodecEvaluation evaluation = new CodecEvaluation(loaded.weights(), backend.ops(),
                    Route.evenSplit(loaded.config().blockCount(), hops));
            List<int[]> greedy = greedySequences(evaluation, heldOut, err);
            List<int[]> scored = perplexitySequences(heldOut);
            err.printf("comparing on %d greedy tokens (%d sequences) and %d held-out tokens; %d hops, windows of %d positions%n",
                    greedy.size() * (length - promptTokens), greedy.size(), TextSequences.tokens(scored), hops, window);
            HiddenStateCodec exactCodec = codecs.getFirst();
            List<CodecEvaluation.Run> greedyReference = greedy.stream().map(t -> evaluation.run(t, exactCodec, window)).toList();
            List<CodecEvaluation.Run> scoredReference = scored.stream().map(t -> evaluation.run(t, exactCodec, window)).toList();
            CodecEvaluation.Tally exact = new CodecEvaluation.Tally();
            for (int i = 0; i < scored.size(); i++) {
                exact.score(scoredReference.get(i), scored.get(i));
            }
            List<Measured> measured = new ArrayList<>();
            for (int c = 0; c < codecs.size(); c++) {
                HiddenStateCodec codec = codecs.get(c);
                CodecEvaluation.Tally tally = new CodecEvaluation.Tally();
                long bytes = 0;
                long crossings = 0;
                for (int i = 0; i < greedy.size(); i++) {
                    CodecEvaluation.Run run = evaluation.run(greedy.get(i), codec, window);
                    tally.compare(greedyReference.get(i), run, promptTokens - 1);
                    bytes += run.bytes();
                    crossings += run.crossings();
                }
                for (int[] sequence : scored) {
                    tally.score(evaluation.run(sequence, codec, window), sequence);
                }
                measured.add(new Measured(codec, settings.get(c), (double) bytes / crossings, tally));
                err.printf("%s (%s) done%n", codec.name(), settings.get(c));
                err.flush();
            }
            // against fp16 on the same windows: its checksum is shared by a window's positions too
            double fp16Bytes = measured.stream().filter(m -> m.codec() instanceof Fp16Codec).findFirst().orElseThrow().bytesPerToken();
            out.println("| codec | setting | bytes per token per hop | fewer bytes than fp16 | greedy agreement | mean KL (nats) | perplexity | perplexity change |");
            out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
            for (Measured m : measured) {
                out.printf("| %s | %s | %.1f | %.2f× | %.2f%% | %.5f | %.4f | %+.3f%% |%n", m.codec().name(), m.setting(), m.bytesPerToken(),
                        fp16Bytes / m.bytesPerToken(), 100 * m.tally().agreement(), m.tally().meanKl(), m.tally().perplexity(),
                        100 * (m.tally().perplexity() / exact.perplexity() - 1));
            }
        }
        return 0;
    }

    /** Greedy sequences from the held-out paragraphs' first tokens until {@code generatedTokens} are generated. */
    private List<int[]> greedySequences(CodecEvaluation evaluation, List<int[]> heldOut, PrintWriter err) {
        List<int[]> sequences = new ArrayList<>();
        long generated = 0;
        for (int i = 0; generated < generatedTokens; i++) {
            if (i == heldOut.size() * 4) {
                throw new IllegalArgumentException("the held-out text has too few paragraphs of at least " + promptTokens
                        + " tokens to generate " + generatedTokens + " tokens from");
            }
            int[] paragraph = heldOut.get(i % heldOut.size());
            // later rounds over the paragraphs use longer prompts, so every sequence differs
            int prompt = promptTokens + i / heldOut.size();
            if (paragraph.length < prompt) {
                continue;
            }
            sequences.add(evaluation.greedy(java.util.Arrays.copyOf(paragraph, prompt), length));
            generated += length - prompt;
        }
        err.printf("generated %d greedy tokens from %d prompts%n", generated, sequences.size());
        return sequences;
    }

    private List<int[]> perplexitySequences(List<int[]> heldOut) {
        List<int[]> sequences = new ArrayList<>();
        long tokens = 0;
        for (int[] sequence : heldOut) {
            if (tokens >= perplexityTokens) {
                break;
            }
            int[] used = sequence.length > perplexityTokens - tokens
                    ? java.util.Arrays.copyOf(sequence, (int) Math.max(2, perplexityTokens - tokens)) : sequence;
            sequences.add(used);
            tokens += used.length;
        }
        return sequences;
    }

    private record Measured(HiddenStateCodec codec, String setting, double bytesPerToken, CodecEvaluation.Tally tally) {
    }

    private static String describe(Path file, CodecCalibration calibration) {
        var codebook = calibration.codebook();
        String ranks = String.join("/", codebook.boundaries().stream().map(b -> String.valueOf(b.rank())).toList());
        String outliers = String.join("/", codebook.boundaries().stream().map(b -> String.valueOf(b.outliers().length)).toList());
        return file.getFileName() + ": fidelity " + codebook.fidelityTarget() + ", ranks " + ranks + ", outliers " + outliers;
    }
}
