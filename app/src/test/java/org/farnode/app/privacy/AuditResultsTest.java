package org.farnode.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditResultsTest {
    @TempDir
    Path folder;

    private static AuditResults sample() {
        return new AuditResults("ab".repeat(32), "stories260K.gguf", "assets/svs/heldout.txt", "assets/svs/calibration.txt",
                "3 prompts: ...", 3, 90, List.of(
                new AuditResults.Result(0, "fp16", 0, 1.0, 1.0, 0.9, 0.0, 0.01, null, null),
                new AuditResults.Result(3, "fp16", 0, 0.99, 2 / 3.0, 0.7, 0.0, 1e-4, null, null),
                new AuditResults.Result(3, "fp16", 0.3, 0.95, 1 / 3.0, 0.6, 0.0, 1e-3, 0.8, 0.14),
                new AuditResults.Result(3, "scm8", 0, 0.98, 1 / 3.0, 0.69, 0.0, 1e-4, null, null)));
    }

    @Test
    void whatIsWrittenReadsBackEqual() throws Exception {
        Path file = folder.resolve("audit.json");
        sample().write(file);
        assertThat(AuditResults.read(file)).contains(sample());
        String json = Files.readString(file);
        assertThat(json).contains("\"vocabularyMatchingTokenRate\" : 0.99").contains("\"model\" : \"abab");
        assertThat(json).as("rows without noise carry no quality figures").containsOnlyOnce("greedyAgreement");
    }

    @Test
    void findNamesTheRowWithoutNoiseUnlessANoiseLevelIsGiven() {
        AuditResults results = sample();
        assertThat(results.find(3, "FP16")).get().extracting(AuditResults.Result::vocabularyMatchingTokenRate).isEqualTo(0.99);
        assertThat(results.find(3, "fp16", 0.3)).get().extracting(AuditResults.Result::meanKl).isEqualTo(0.14);
        assertThat(results.find(3, "scm8")).get().extracting(AuditResults.Result::learnedTokenRate).isEqualTo(0.69);
        assertThat(results.find(1, "fp16")).isEmpty();
        assertThat(results.find(0, "int8")).isEmpty();
    }

    @Test
    void aMissingOrBrokenFileReadsAsNoResults() throws Exception {
        assertThat(AuditResults.read(folder.resolve("none.json"))).isEmpty();
        Path broken = folder.resolve("broken.json");
        Files.writeString(broken, "{\"results\": [");
        assertThat(AuditResults.read(broken)).isEmpty();
        Path noModel = folder.resolve("no-model.json");
        Files.writeString(noModel, "{\"results\": []}");
        assertThat(AuditResults.read(noModel)).isEmpty();
    }
}
