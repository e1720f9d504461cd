package org.farnode.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.farnode.app.bench.VerificationTrials;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.model.LoadedModel;
import org.farnode.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code far bench verify}: how soon checking a share of windows catches a node that corrupts its results. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Measure how soon result verification catches a corrupting node, for several verification fractions.")
final class BenchVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--fractions", defaultValue = "0.05,0.1,0.25,0.5,1", split = ",",
            description = "Verification fractions to try, each above 0 and at most 1 (default: ${DEFAULT-VALUE}).")
    double[] fractions;

    @Option(names = "--fault-rate", defaultValue = "1", description = "Share of windows the bad node corrupts (default: ${DEFAULT-VALUE}).")
    double faultRate;

    @Option(names = "--trials", defaultValue = "10", description = "Generations per fraction (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--tokens", defaultValue = "64", description = "Tokens generated per trial (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--seed", defaultValue = "2026", description = "Seed of the trials' draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--codec", defaultValue = "fp16", description = "Codec of the windows (default: ${DEFAULT-VALUE}).")
    String codecName;

    @Override
    public Integer call() throws Exception {
        for (double f : fractions) {
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("--fractions must each be above 0 and at most 1, got " + f);
            }
        }
        if (!(faultRate > 0 && faultRate <= 1)) {
            throw new IllegalArgumentException("--fault-rate must be above 0 and at most 1, got " + faultRate);
        }
        if (trials < 1 || tokens < 1) {
            throw new IllegalArgumentException("--trials and --tokens must be at least 1, got " + trials + " and " + tokens);
        }
        if (HiddenStateCodecs.needsCalibrationName(codecName)) {
            throw new IllegalArgumentException("--codec " + codecName + " needs an SCM codebook; use fp32, fp16 or int8 here");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel loaded = model.open(); Backend backend = Backend.cpu(null);
             VerificationTrials bench = VerificationTrials.start(loaded, backend, HiddenStateCodecs.byName(codecName), tokens)) {
            out.printf("a node corrupting %.0f%% of its windows serves every layer; two honest nodes stand by; %d trials of %d greedy "
                    + "tokens per fraction, codec %s%n", faultRate * 100, trials, tokens, codecName);
            out.println("| verification fraction | caught within " + tokens + " steps | step caught at: mean | median | max "
                    + "| expected mean 1/(rate × fraction) | texts equal to an honest route's |");
            out.println("| --- | --- | --- | --- | --- | --- | --- |");
            java.util.SplittableRandom seeds = new java.util.SplittableRandom(seed);
            for (double fraction : fractions) {
                List<Integer> caught = new ArrayList<>();
                int honest = 0;
                for (int t = 0; t < trials; t++) {
                    VerificationTrials.Trial trial = bench.run(fraction, faultRate, seeds.nextLong());
                    if (trial.caughtAtStep() > 0) {
                        caught.add(trial.caughtAtStep());
                    }
                    honest += trial.textHonest() ? 1 : 0;
                    err.printf("fraction %.2f, trial %d: %s%n", fraction, t + 1,
                            trial.caughtAtStep() > 0 ? "caught after step " + trial.caughtAtStep() : "not caught");
                    err.flush();
                }
                int[] steps = caught.stream().mapToInt(Integer::intValue).sorted().toArray();
                out.printf("| %.2f | %d of %d | %s | %s | %s | %.1f | %d of %d |%n", fraction, steps.length, trials,
                        steps.length == 0 ? "-" : String.format("%.1f", Arrays.stream(steps).average().orElse(0)),
                        steps.length == 0 ? "-" : String.valueOf(steps[steps.length / 2]),
                        steps.length == 0 ? "-" : String.valueOf(steps[steps.length - 1]),
                        1 / (faultRate * fraction), honest, trials);
                out.flush();
            }
        }
        return 0;
    }
}
