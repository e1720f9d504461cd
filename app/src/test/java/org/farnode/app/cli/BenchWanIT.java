package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** far bench wan on stories260K with short links, run as a user runs it: five rows, speculation with every drafter does not change the tokens. */
class BenchWanIT {
    @TempDir
    Path work;

    @Test
    void benchWanComparesTheRunsAndSpeculationWithEitherDrafterKeepsTheTokens() throws Exception {
        Path codebook = work.resolve("w1.scm");
        FarProcess.Outcome calibrate = FarProcess.run("calibrate", "--model", Stories260K.gguf().toString(), "--text",
                SvsCommandsIT.svsAssets().resolve("calibration.txt").toString(), "--out", codebook.toString(), "--fidelity", "1");
        assertThat(calibrate.exitCode()).as(calibrate.stderr()).isZero();
        FarProcess.Outcome run = FarProcess.run("bench", "wan", "--model", Stories260K.gguf().toString(), "--nodes", "2",
                "--delay-ms", "2", "--up-mbit", "50", "--prompt-file", SvsCommandsIT.svsAssets().resolve("heldout.txt").toString(),
                "--prompt-tokens", "100", "--max-tokens", "24", "--scm", codebook.toString(), "--svs-codec", "scm16",
                "--draft-layers", "4", "--prefill-window", "16");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> rows = run.stdout().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| run") && !l.startsWith("| ---")).toList();
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0)).startsWith("| one token per trip, fp16 |").endsWith("| 1.00 | the reference |");
        assertThat(rows.get(1)).startsWith("| SVS codec (scm16) |");
        assertThat(rows.get(2)).startsWith("| SVS + DSV, prompt lookup |").endsWith("identical to SVS codec (scm16) |");
        assertThat(rows.get(3)).startsWith("| SVS + DSV, draft model (the target's first 4 layers) |")
                .endsWith("identical to SVS codec (scm16) |");
        assertThat(rows.get(4)).startsWith("| SVS + DSV, prompt lookup, else the draft model |")
                .endsWith("identical to SVS codec (scm16) |");
        assertThat(run.stdout()).contains("pipelined windows of 16");
        assertThat(run.stderr()).contains("behind a link of up 2.00 ms, 50.00 Mbit/s").contains("speculation:");
    }
}
