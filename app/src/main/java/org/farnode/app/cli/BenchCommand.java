package org.farnode.app.cli;

import org.farnode.app.bench.InferenceBenchmark;
import org.farnode.app.bench.OpTimer;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.LoadedModel;
import org.farnode.backend.Backend;
import org.farnode.backend.vulkan.GpuBandwidth;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.backend.ops.MemoryBandwidth;
import org.farnode.backend.ops.Ops;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code far bench}: prefill and decode speed of a model on this machine, next to the decode
 * limit that memory bandwidth sets (every decoded token reads every weight once).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {BenchCodecCommand.class, BenchWanCommand.class, BenchVerifyCommand.class, BenchLoadCommand.class},
        description = "Measure prefill and decode tokens/s and compare decode with the memory-bandwidth limit.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    // Not the ModelOptions mixin: its required --model would be demanded of "far bench" even when
    // the command run is "far bench codec", which has its own.
    @Option(names = "--model", description = "GGUF model file, or llama2.c checkpoint (.bin) with --tokenizer.")
    java.nio.file.Path modelFile;

    @Option(names = "--tokenizer", description = "llama2.c tokenizer.bin (only for llama2.c checkpoints).")
    java.nio.file.Path tokenizerFile;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "Prompt length for prefill (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "32", description = "Tokens decoded per run (default: ${DEFAULT-VALUE}).")
    int decodeTokens;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs after one warm-up (default: ${DEFAULT-VALUE}).")
    int runs;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--op-times", description = "Also print where the last run's decode steps spent their time, per operation.")
    boolean opTimes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (modelFile == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--model=<model>'");
        }
        try (LoadedModel loaded = LoadedModel.open(modelFile, tokenizerFile)) {
            InferenceBenchmark.checkSettings(loaded.weights(), promptTokens, decodeTokens, runs); // before starting a backend
            runWith(loaded, out, err);
        }
        return 0;
    }

    private void runWith(LoadedModel loaded, PrintWriter out, PrintWriter err) {
        try (Backend backend = backendOptions.open(err)) {
            Ops ops = opTimes ? new OpTimer(backend.ops()) : backend.ops();
            if (opTimes && backend.gpu().isPresent()) {
                throw new IllegalArgumentException("--op-times times CPU operations; with the Vulkan backend the layers run on the GPU (use --backend cpu)");
            }
            ShardRunner shard = backend.gpu().isPresent()
                    ? ShardRunner.on(backend, loaded.weights(), LayerRange.all(loaded.config().blockCount()))
                    : new ShardRunner(loaded.weights(), LayerRange.all(loaded.config().blockCount()), ops);
            GatewayModel gateway = backend.gpu().isPresent() ? GatewayModel.on(backend, loaded.weights()) : new GatewayModel(loaded.weights(), ops);
            InferenceBenchmark benchmark = new InferenceBenchmark(loaded.weights(), ops, gateway, shard);
            benchmark.checkSettings(promptTokens, decodeTokens, runs);
            long bytesPerToken = loaded.weights().bytesReadPerToken();
            out.printf("model      %s (%s, %d layers, dim %d, vocab %d)%n", loaded.path(), loaded.format(),
                    loaded.config().blockCount(), loaded.config().embeddingLength(), loaded.config().vocabularySize());
            out.printf("weights    %.3f GB read per decoded token%n", bytesPerToken / 1e9);
            out.printf("backend    %s%n", backend.description());
            out.flush();

            Bandwidth bandwidth = new Bandwidth(backend);
            err.println("measuring memory read bandwidth (" + bandwidth.where() + ")...");
            double before = bandwidth.measure();
            InferenceBenchmark.Result result = benchmark.run(promptTokens, decodeTokens, runs, err::println);
            err.println("measuring memory read bandwidth again...");
            double after = bandwidth.measure();
            // On a shared machine the bandwidth drifts; the higher reading gives the stricter limit.
            double gigabytesPerSecond = Math.max(before, after);
            double limit = gigabytesPerSecond * 1e9 / bytesPerToken;
            out.printf("bandwidth  %.1f GB/s read (%s; %.1f before the runs, %.1f after) -> decode limit %.2f tokens/s%n",
                    gigabytesPerSecond, bandwidth.where(), before, after, limit);
            out.printf("prefill    %.1f tokens/s (median of %d runs of a %d-token prompt; runs: %s)%n",
                    result.medianPrefill(), runs, promptTokens, format(result.prefillTokensPerSecond()));
            out.printf("decode     %.2f tokens/s (median of %d runs of %d tokens; runs: %s)%n",
                    result.medianDecode(), runs, decodeTokens, format(result.decodeTokensPerSecond()));
            out.printf("decode     %.0f%% of the bandwidth limit (%.1f GB/s of weights streamed)%n",
                    100 * result.medianDecode() / limit, result.medianDecode() * bytesPerToken / 1e9);
            if (result.decodeBreakdown() != null) {
                printBreakdown(out, result.decodeBreakdown());
            }
        }
    }

    /** The read bandwidth that bounds decoding: the GPU's when the layers run there, else the CPU threads'. */
    private record Bandwidth(Backend backend) {
        String where() {
            return backend.gpu().map(g -> "GPU " + g.device().name() + ", compute shader").orElse(backend.threads() + " threads");
        }

        double measure() {
            return backend.gpu()
                    .map(g -> GpuBandwidth.measure(g.device(), g.compiler(), 1L << 30, 20).gigabytesPerSecond())
                    .orElseGet(() -> MemoryBandwidth.measure(backend.threads()).gigabytesPerSecond());
        }
    }

    private static void printBreakdown(PrintWriter out, InferenceBenchmark.OpBreakdown breakdown) {
        double total = breakdown.totalNanos();
        out.printf("op times   per decoded token, last run:%n");
        for (Map.Entry<OpTimer.Op, Long> e : breakdown.nanosByOp().entrySet()) {
            out.printf("           %-10s %8.3f ms  %5.1f%%%n", e.getKey().name().toLowerCase(java.util.Locale.ROOT),
                    e.getValue() / 1e6 / breakdown.steps(), 100 * e.getValue() / total);
        }
        out.printf("           %-10s %8.3f ms  %5.1f%%%n", "other", breakdown.otherNanos() / 1e6 / breakdown.steps(),
                100 * breakdown.otherNanos() / total);
    }

    private static String format(double[] values) {
        return String.join(", ", Arrays.stream(values).mapToObj(v -> String.format("%.2f", v)).toList());
    }
}
