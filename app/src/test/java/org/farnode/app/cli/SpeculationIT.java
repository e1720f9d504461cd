package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

/** Greedy generation with --speculate prompt-lookup, run as a user runs it: the same text, in fewer trips. */
class SpeculationIT {

    @Test
    void aSwarmWithPromptLookupPrintsTheReferenceTextInFewerRoundTrips() throws Exception {
        FarProcess.Outcome run = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--nodes", "3", "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--speculate", "prompt-lookup");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        String stats = run.stderr().lines().filter(l -> l.startsWith("prompt-lookup speculation:")).findFirst()
                .orElseThrow(() -> new AssertionError(run.stderr()));
        java.util.regex.Matcher trips = java.util.regex.Pattern.compile("255 tokens in (\\d+) round trips").matcher(stats);
        assertThat(trips.find()).as(stats).isTrue();
        assertThat(Integer.parseInt(trips.group(1))).isLessThan(255);
        assertThat(run.stderr().lines().filter(l -> l.matches("^[123] .*"))).hasSize(3).allMatch(l -> l.endsWith("same"));
    }

    @Test
    void generateWithPromptLookupPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--speculate", "prompt-lookup", "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).contains("prompt-lookup speculation:");
    }

    @Test
    void speculationWithSamplingOrAnUnknownDrafterIsAOneLineError() throws Exception {
        FarProcess.expectOneLineError(new String[] {"generate", "--model", Stories260K.gguf().toString(), "--speculate", "prompt-lookup"},
                "add --temperature 0");
        FarProcess.expectOneLineError(new String[] {"generate", "--model", Stories260K.gguf().toString(), "--temperature", "0",
                "--speculate", "oracle"}, "--speculate takes none or prompt-lookup");
    }
}
