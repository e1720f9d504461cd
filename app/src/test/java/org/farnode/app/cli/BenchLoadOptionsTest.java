package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

/** far bench load refuses options that cannot make a run, before it starts a node, saying what was wrong and what is allowed. */
class BenchLoadOptionsTest {

    @Test
    void refusesCountsBelowOneAndTooManySessions() {
        assertRefused("--nodes must be at least 1, got 0", "--nodes", "0");
        assertRefused("--sessions must be 1 to 1024 (each runs on a thread of its own), got 0", "--sessions", "0");
        assertRefused("--sessions must be 1 to 1024 (each runs on a thread of its own), got 1025", "--sessions", "1025");
        assertRefused("--tokens-per-session must be at least 1, got 0", "--tokens-per-session", "0");
    }

    @Test
    void refusesARunWithoutTimeAndSamplesTooRareToJudgeMemory() {
        assertRefused("--minutes must be a number more than 0 (decimals allowed, e.g. 0.5), got 0.0", "--minutes", "0");
        assertRefused("--minutes must be a number more than 0 (decimals allowed, e.g. 0.5), got NaN", "--minutes", "NaN");
        assertRefused("--sample-seconds must be 0.1 to 3.0 (a fifth of the run, so memory is sampled several times after the "
                + "warm-up), got 4.0", "--minutes", "0.25", "--sample-seconds", "4");
        assertRefused("--sample-seconds must be 0.1 to 3.0", "--minutes", "0.25", "--sample-seconds", "0");
    }

    @Test
    void refusesANegativeTemperatureAnUnknownCodecAndAJsonFileInNoDirectory() {
        assertRefused("--temperature must be 0 (greedy) or more, got -0.5", "--temperature", "-0.5");
        assertRefused("fp12", "--codec", "fp12");
        assertRefused("--json /no/such/directory/load.json: the directory /no/such/directory does not exist",
                "--json", "/no/such/directory/load.json");
    }

    @Test
    void refusesMoreNodesThanLayersAndSessionsTooLongForTheContext() {
        assertRefused("cannot split 5 layers among 6 nodes: use 1 to 5 nodes", "--nodes", "6");
        assertRefused("--tokens-per-session must be at most 2034: the model's context holds 2048 tokens and the longest prompt takes "
                + "14, got 2035", "--tokens-per-session", "2035");
    }

    private static void assertRefused(String expected, String... options) {
        List<String> args = new ArrayList<>(List.of("bench", "load", "--model", Stories260K.gguf().toString()));
        args.addAll(List.of(options));
        if (!args.contains("--minutes")) {
            // should an option be accepted after all, the run it starts lasts a second rather than the default ten minutes
            args.addAll(List.of("--minutes", "0.01", "--sample-seconds", "0.1"));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FarCli.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isNotZero();
        assertThat(err.toString()).startsWith("far: error: ").contains(expected);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(out.toString()).isEmpty();
    }
}
