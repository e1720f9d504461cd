package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

/** Greedy generation with --speculate, run as a user runs it: the same text, in fewer trips. */
class SpeculationIT {

    @Test
    void aSwarmWithPromptLookupPrintsTheReferenceTextInFewerRoundTrips() throws Exception {
        FarProcess.Outcome run = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--nodes", "3", "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--draft-min", "1", "--speculate", "prompt-lookup");
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
    void aSwarmWithADraftModelPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--nodes", "3", "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--draft-min", "1", "--speculate", "draft-model", "--draft-layers", "4");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).containsPattern("(?m)^draft-model speculation: \\d+ drafted, [1-9]\\d* accepted");
    }

    @Test
    void generateWithPromptLookupThenADraftModelPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--draft-min", "1",
                "--speculate", "prompt-lookup,draft-model", "--draft-layers", "3", "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).containsPattern("(?m)^prompt-lookup,draft-model speculation: \\d+ drafted, [1-9]\\d* accepted");
    }

    @Test
    void generateWithPromptLookupPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--draft-min", "1", "--speculate", "prompt-lookup", "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).contains("prompt-lookup speculation:");
    }

    @Test
    void anUnknownDrafterIsAOneLineError() throws Exception {
        FarProcess.expectOneLineError(new String[] {"generate", "--model", Stories260K.gguf().toString(), "--temperature", "0",
                "--speculate", "oracle"}, "--speculate takes none, prompt-lookup, draft-model or prompt-lookup,draft-model");
    }

    @Test
    void samplingWithADraftModelSamplesThroughTheAcceptanceRule() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--prompt", "Once upon a time",
                "--max-tokens", "64", "--temperature", "0.8", "--seed", "5", "--draft-min", "1",
                "--speculate", "draft-model", "--draft-layers", "4",
                "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).startsWith("Once upon a time").hasSizeGreaterThan("Once upon a time".length() + 20);
        assertThat(run.stderr()).containsPattern("draft-model speculation: \\d+ drafted, [1-9]\\d* accepted");
    }

    @Test
    void generateWithTheTargetsFirstTwoLayersAsDraftModelPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--draft-min", "1",
                "--speculate", "draft-model", "--draft-layers", "2", "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).containsPattern("(?m)^draft-model speculation: \\d+ drafted, \\d+ accepted");
    }

    @Test
    void aDraftModelFileRunsAllItsLayersByDefault() throws Exception {
        // The target's own file in full drafts exactly the target's tokens: every draft is accepted.
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--prompt", "",
                "--max-tokens", "64", "--temperature", "0", "--draft-min", "1", "--speculate", "draft-model", "--draft-model",
                Stories260K.gguf().toString(), "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Stories260K.greedyText256()).startsWith(run.stdout().stripTrailing());
        java.util.regex.Matcher counts = java.util.regex.Pattern.compile("draft-model speculation: (\\d+) drafted, (\\d+) accepted")
                .matcher(run.stderr());
        assertThat(counts.find()).as(run.stderr()).isTrue();
        assertThat(counts.group(2)).isEqualTo(counts.group(1)).isNotEqualTo("0");
    }

    @Test
    void badDraftModelOptionsAreOneLineErrors() throws Exception {
        String model = Stories260K.gguf().toString();
        FarProcess.expectOneLineError(new String[] {"generate", "--model", model, "--temperature", "0", "--speculate", "draft-model"},
                "give --draft-layers N");
        FarProcess.expectOneLineError(new String[] {"generate", "--model", model, "--temperature", "0", "--backend", "cpu",
                "--speculate", "draft-model", "--draft-layers", "9"}, "a draft model runs 1 to 5 of its layers");
        FarProcess.expectOneLineError(new String[] {"generate", "--model", model, "--temperature", "0", "--speculate", "draft-model",
                "--draft-layers", "0"}, "--draft-layers must be >= 1");
        FarProcess.expectOneLineError(new String[] {"generate", "--model", model, "--temperature", "0", "--draft-layers", "2"},
                "go with --speculate draft-model");
    }
}
