package org.farnode.app.cli;

import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.SharedData;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code far tokenize} and {@code far detokenize} run through the launcher, as a user runs them. */
class TokenizeCommandIT {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    private static Path gpt2() {
        return SharedData.require("testdata/tokenizers/llama.cpp/ggml-vocab-gpt-2.gguf");
    }

    private static String stdoutOf(String... args) throws Exception {
        FarProcess.Outcome run = FarProcess.run(Map.of("LC_ALL", "C.UTF-8"), args);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return run.stdout();
    }

    /** A vocab-only GGUF (no tensors) is enough; GPT-2 adds no BOS, and special-token text is read as the token. */
    @Test
    void gpt2VocabularyTokenizesTextAndSpecialTokens() throws Exception {
        String gpt2 = gpt2().toString();
        assertThat(stdoutOf("tokenize", "--model", gpt2, "Hello world")).isEqualTo("15496 995\n");
        assertThat(stdoutOf("tokenize", "--model", gpt2, "Hello world<|endoftext|>")).isEqualTo("15496 995 50256\n");
        assertThat(stdoutOf("tokenize", "--model", gpt2, "--no-special", "<|endoftext|>")).isEqualTo("27 91 437 1659 5239 91 29\n");
    }

    /** The last llama.cpp case (a long mix of scripts, emoji, tabs and newlines) through a file, then back. */
    @Test
    void gpt2FileRoundTripsThroughBothCommands() throws Exception {
        Path dir = SharedData.require("testdata/tokenizers/llama.cpp");
        String[] inputs = Files.readString(dir.resolve("ggml-vocab-gpt-2.gguf.inp")).split(SEPARATOR);
        String text = inputs[inputs.length - 1];
        String expected = Files.readAllLines(dir.resolve("ggml-vocab-gpt-2.gguf.out")).get(inputs.length - 1).trim();
        Path file = Files.writeString(Files.createTempDirectory("far-tokenize").resolve("input.txt"), text, StandardCharsets.UTF_8);

        String ids = stdoutOf("tokenize", "--model", gpt2().toString(), "--no-special", "--file", file.toString());

        assertThat(ids).isEqualTo(expected + "\n");
        assertThat(stdoutOf("detokenize", "--model", gpt2().toString(), ids.strip())).isEqualTo(text + "\n");
        assertThat(stdoutOf("detokenize", "--model", gpt2().toString(), "15496", "995")).isEqualTo("Hello world\n");
    }

    /** stories260K is a full model with a SentencePiece tokenizer that starts prompts with BOS (id 1). */
    @Test
    void stories260kTokenizesWithBosAndDetokenizes() throws Exception {
        String model = Stories260K.gguf().toString();
        String ids = stdoutOf("tokenize", "--model", model, "Once upon a time");
        assertThat(ids).startsWith("1 ").endsWith("\n");

        assertThat(stdoutOf("tokenize", "--model", model, "--no-special", "Once upon a time")).isEqualTo(ids.substring(2));
        assertThat(stdoutOf("detokenize", "--model", model, ids.strip())).isEqualTo("Once upon a time\n");
    }

    @Test
    void badInputGivesOneLineErrorsAndNonZeroExit() throws Exception {
        Path dir = Files.createTempDirectory("far-tokenize-bad");
        Path notGguf = Files.writeString(dir.resolve("notes.txt"), "just some text, not a model");
        String gpt2 = gpt2().toString();

        FarProcess.expectOneLineError(new String[]{"tokenize", "--model", dir.resolve("missing.gguf").toString(), "hi"}, "not found");
        FarProcess.expectOneLineError(new String[]{"tokenize", "--model", notGguf.toString(), "hi"}, "not a GGUF file");
        FarProcess.expectOneLineError(new String[]{"tokenize", "--model", gpt2}, "give the text to tokenize");
        FarProcess.expectOneLineError(new String[]{"tokenize", "--model", gpt2, "--file", dir.resolve("none.txt").toString()}, "none.txt");
        FarProcess.expectOneLineError(new String[]{"detokenize", "--model", gpt2, "15496", "50257"},
                "token id 50257 is outside the vocabulary (0..50256)");
        FarProcess.expectOneLineError(new String[]{"detokenize", "--model", gpt2, "15496,abc"}, "\"abc\" is not a token id");
    }
}
