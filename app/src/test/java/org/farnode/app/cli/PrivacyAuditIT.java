package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.privacy.AuditResults;
import org.farnode.app.privacy.AuditTable;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** far privacy-audit run as a user runs it, on a short text of stories260K. */
class PrivacyAuditIT {
    @TempDir
    Path work;

    @Test
    void auditsTheAskedBoundariesPrintsATableAndWritesJsonTheReaderFinds() throws Exception {
        Path text = work.resolve("short.txt");
        Files.writeString(text, "Tom liked to build towers with his blocks.\n\nThe cat was very curious.\n");
        Path json = work.resolve("audit.json");
        FarProcess.Outcome run = FarProcess.run("privacy-audit", "--model", Stories260K.gguf().toString(), "--text", text.toString(),
                "--train-text", SvsCommandsIT.svsAssets().resolve("calibration.txt").toString(), "--boundaries", "0,3", "--codec", "fp16",
                "--out", json.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> table = run.stdout().lines().filter(l -> l.startsWith("|")).toList();
        assertThat(table.getFirst()).isEqualTo(AuditTable.HEADER);
        assertThat(table.get(1)).startsWith("| --- |");
        List<String> rows = table.subList(2, table.size());
        assertThat(rows).hasSize(2);
        // embeddings in half precision are still nearest to their own token: vocabulary matching names both prompts entirely
        assertThat(rows.get(0)).startsWith("| 0 | fp16 | 0 | 100.00% | 100.00% (2/2) |").endsWith("| — | — |");
        assertThat(rows.get(1)).startsWith("| 3 | fp16 | 0 | ");
        assertThat(run.stdout()).contains("2 prompts: the 2 paragraphs of the held-out text");
        assertThat(run.stderr()).contains("boundary 3: 2/2 prompts matched").contains("wrote " + json);

        AuditResults results = AuditResults.read(json).orElseThrow();
        assertThat(results.model()).isEqualTo(ModelFingerprint.of(Stories260K.gguf()).hex());
        assertThat(results.promptCount()).isEqualTo(2);
        assertThat(results.find(0, "fp16")).get().extracting(AuditResults.Result::vocabularyMatchingTokenRate).isEqualTo(1.0);
        assertThat(results.find(3, "fp16")).isPresent();
        assertThat(results.find(1, "fp16")).isEmpty();
    }

    @Test
    void aBoundaryNoNodeReceivesIsAOneLineError() throws Exception {
        FarProcess.expectOneLineError(new String[] {"privacy-audit", "--model", Stories260K.gguf().toString(), "--text",
                SvsCommandsIT.svsAssets().resolve("heldout.txt").toString(), "--boundaries", "0,5"},
                "must be all or a comma list of distinct boundaries from 0 to 4");
    }

    @Test
    void anScmCodecWithoutItsCodebookIsAOneLineError() throws Exception {
        FarProcess.expectOneLineError(new String[] {"privacy-audit", "--model", Stories260K.gguf().toString(), "--text",
                SvsCommandsIT.svsAssets().resolve("heldout.txt").toString(), "--codec", "scm8"}, "codec scm8 needs a calibrated codebook");
    }
}
