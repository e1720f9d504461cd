package org.farnode.app.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-test in this process: on its own synthetic model, on stories260K, and on a model path that is wrong. */
class SelfTestTest {
    @TempDir
    Path folder;

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome selfTest(Optional<Path> model, Duration timeLimit) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SelfTest.run(model, new PrintWriter(out, true), new PrintWriter(err, true), timeLimit);
        return new Outcome(code, out.toString(), err.toString());
    }

    private static Outcome selfTest(Optional<Path> model) {
        return selfTest(model, SelfTest.TIME_LIMIT);
    }

    @Test
    void passesOnItsOwnSyntheticModelAndLeavesNothingBehind() {
        Outcome run = selfTest(Optional.empty());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(SelfTest.PASS);
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("[devices]", "[model]", "[swarm]", "[generate]", "[clean up]")
                .contains(SelfTestSummary.PASS_LINE)
                .containsPattern("tokens +16 in \\d+ ms, [0-9.]+ tokens/s")
                .containsPattern("swarm +2 nodes: layers \\[0, 1\\) on 127\\.0\\.0\\.1:\\d+ \\(this node\\); "
                        + "layers \\[1, 2\\) on 127\\.0\\.0\\.1:\\d+ \\(local peer, CPU\\)")
                .containsPattern("model +\\S+synthetic-llama-small-q8_0\\.gguf \\(synthetic.*GGUF v3, Q8_0 weights, 2 layers")
                .contains("java     " + Runtime.version());
        Matcher deleted = Pattern.compile("deleting (\\S+)").matcher(run.out());
        assertThat(deleted.find()).isTrue();
        assertThat(Path.of(deleted.group(1))).as("the synthetic model and the throwaway node key").doesNotExist();
    }

    @Test
    void givesStories260KsReferenceContinuation() throws Exception {
        Path model = Stories260K.gguf();
        // The prompt is the first four tokens of the reference's greedy path from BOS, so what follows it is the reference's.
        try (LoadedModel loaded = LoadedModel.open(model, null)) {
            assertThat(loaded.tokenizer().encodeWithBos(SelfTest.PROMPT))
                    .containsExactly(1, Stories260K.firstGreedyIds()[0], Stories260K.firstGreedyIds()[1],
                            Stories260K.firstGreedyIds()[2], Stories260K.firstGreedyIds()[3]);
        }

        Outcome run = selfTest(Optional.of(model));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(SelfTest.PASS);
        assertThat(run.out()).containsPattern("tokens +16 in \\d+ ms").contains("F32 weights, 5 layers")
                .contains("layers [0, 3)").contains("layers [3, 5)").contains("each node computed 20 positions");
        Matcher text = Pattern.compile("text +\"Once upon a time\" -> \"(.*)\"$", Pattern.MULTILINE).matcher(run.out());
        assertThat(text.find()).as(run.out()).isTrue();
        assertThat(text.group(1)).isEqualTo(", there was a little girl named Lily. She loved to play");
        assertThat(Stories260K.greedyText256()).startsWith(SelfTest.PROMPT + text.group(1));
    }

    @Test
    void aMissingModelFailsAtTheModelStepNamingTheFile() {
        Path missing = folder.resolve("no-such-model.gguf");

        Outcome run = selfTest(Optional.of(missing));

        assertThat(run.exitCode()).isEqualTo(SelfTest.FAIL);
        assertThat(run.err()).isEqualTo("far-node self-test: FAIL at model: model file not found: " + missing + "\n");
        assertThat(run.out()).doesNotContain("PASS").doesNotContain("[swarm]");
    }

    @Test
    void aFileThatIsNotAModelFailsSayingWhy() throws Exception {
        Path notes = Files.writeString(folder.resolve("notes.gguf"), "not a model");

        Outcome run = selfTest(Optional.of(notes));

        assertThat(run.exitCode()).isEqualTo(SelfTest.FAIL);
        assertThat(run.err()).startsWith("far-node self-test: FAIL at model: not a GGUF file").contains(notes.toString());
    }

    @Test
    void aStepThatOutlastsTheTimeLimitFailsWhereItWas() {
        Outcome run = selfTest(Optional.of(folder.resolve("missing.gguf")), Duration.ofMillis(1));

        assertThat(run.exitCode()).isEqualTo(SelfTest.FAIL);
        assertThat(run.err()).matches("far-node self-test: FAIL at \\S+: did not finish within 1 ms\\n");
    }

    @Test
    void generatedTextIsQuotedOnOneLine() {
        assertThat(SelfTestSummary.quoted("a \"b\"\n\tc\\" + (char) 7 + "\uFFFD")).isEqualTo("\"a \\\"b\\\"\\n\\tc\\\\\\u0007\\ufffd\"");
        assertThat(Arrays.asList(SelfTestSummary.quoted("Lily's mom").split("\n"))).hasSize(1);
    }
}
