package org.farnode.app.cli;

import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code far generate} run through the launcher, as a user runs it. */
class GenerateCommandIT {

    @Test
    void greedyGgufGenerationPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(),
                "--prompt", "", "--max-tokens", "256", "--temperature", "0");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
    }

    @Test
    void greedyLlama2cGenerationPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.checkpoint().toString(),
                "--tokenizer", Stories260K.tokenizerBin().toString(),
                "--prompt", "", "--max-tokens", "256", "--temperature", "0");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
    }

    @Test
    void aRouteOfTwoLocalShardsGeneratesTheSameText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(),
                "--shards", "0:2,2:5", "--max-tokens", "256", "--temperature", "0");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
    }

    @Test
    void aPromptIsEchoedAndContinued() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(),
                "--prompt", "Once upon a time", "--max-tokens", "20", "--temperature", "0", "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Stories260K.greedyText256()).startsWith(run.stdout().strip());
        assertThat(run.stdout().strip().length()).isGreaterThan("Once upon a time".length() + 20);
        assertThat(run.stderr()).contains("generated 20 tokens");
    }

    @Test
    void seededSamplingIsReproducible() throws Exception {
        String[] args = {"generate", "--model", Stories260K.gguf().toString(), "--max-tokens", "40",
                "--temperature", "1.0", "--seed", "42"};
        FarProcess.Outcome first = FarProcess.run(args);
        FarProcess.Outcome second = FarProcess.run(args);
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdout()).isEqualTo(second.stdout()).isNotEqualTo(Stories260K.greedyText256());
    }

    @Test
    void badInputGivesOneLineErrorsAndNonZeroExit() throws Exception {
        Path dir = Files.createTempDirectory("far-bad-input");
        Path notGguf = Files.writeString(dir.resolve("notes.txt"), "just some text, not a model");
        Path truncated = dir.resolve("truncated.gguf");
        byte[] model = Files.readAllBytes(Stories260K.gguf());
        Files.write(truncated, java.util.Arrays.copyOf(model, model.length / 2));
        String longPrompt = "Once upon a time ".repeat(700);

        FarProcess.expectOneLineError(new String[]{"generate", "--model", dir.resolve("missing.gguf").toString()}, "not found");
        FarProcess.expectOneLineError(new String[]{"generate", "--model", notGguf.toString()}, "not a GGUF file");
        FarProcess.expectOneLineError(new String[]{"generate", "--model", truncated.toString()}, "truncated");
        FarProcess.expectOneLineError(new String[]{"generate", "--model", Stories260K.gguf().toString(), "--prompt", longPrompt},
                "context holds 2048");
        FarProcess.expectOneLineError(new String[]{"generate", "--model", Stories260K.gguf().toString(), "--temperature", "-1"},
                "temperature");
        FarProcess.expectOneLineError(new String[]{"generate", "--model", Stories260K.gguf().toString(), "--shards", "0:2,3:5"},
                "gap");
    }
}
