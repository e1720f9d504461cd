package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.codec.scm.ScmFile;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * far calibrate, far bench codec and far swarm --codec scm16, run as a user runs them on
 * stories260K. A full-fidelity codebook (every direction kept) with half-precision coefficients
 * is the setting docs/svs.md names lossless in practice: its greedy text is the exact run's.
 */
class SvsCommandsIT {
    @TempDir
    static Path work;
    private static Path codebook;

    /** The repository's assets/svs folder (the texts docs/svs.md uses). */
    static Path svsAssets() {
        return FarProcess.launcher().getParent().resolve("assets").resolve("svs");
    }

    @BeforeAll
    static void calibrate() throws Exception {
        codebook = work.resolve("stories.scm");
        FarProcess.Outcome run = FarProcess.run("calibrate", "--model", Stories260K.gguf().toString(),
                "--text", svsAssets().resolve("calibration.txt").toString(), "--out", codebook.toString(), "--fidelity", "1");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("wrote " + codebook).contains("fidelity 1.0");
        assertThat(run.stdout().lines().filter(l -> l.matches("^\\s+\\d+\\s+\\d+\\s+\\d+\\s+[0-9.]+(\\s+\\d+){3}$"))).hasSize(6);
        assertThat(run.stderr()).contains("tokens through 5 layers");
    }

    @Test
    void calibrateWritesACodebookForEveryBoundaryOfTheModel() throws Exception {
        ScmCodebook read = ScmFile.read(codebook);
        assertThat(read.width()).isEqualTo(64);
        assertThat(read.boundaries()).extracting(b -> b.boundary()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(read.boundaries()).allSatisfy(b -> assertThat(b.explainedVariance()).isGreaterThanOrEqualTo(0.999999));
        assertThat(read.boundaries()).allSatisfy(b -> {
            assertThat(b.deviations()).hasSize(b.rank());
            for (float d : b.deviations()) {
                assertThat(d).isPositive();
            }
        });
    }

    @Test
    void benchCodecPrintsARowPerCodecWithTheExactRunAsTheReference() throws Exception {
        FarProcess.Outcome run = FarProcess.run("bench", "codec", "--model", Stories260K.gguf().toString(), "--scm", codebook.toString(),
                "--text", svsAssets().resolve("heldout.txt").toString(), "--generated-tokens", "60", "--length", "34",
                "--perplexity-tokens", "200");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> rows = run.stdout().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| codec") && !l.startsWith("| ---")).toList();
        assertThat(rows).extracting(r -> r.split("\\|")[1].strip()).containsExactly("fp32", "fp16", "int8", "int4", "scm8", "scm4", "scm16", "scm8w", "scm4w");
        // fp32 is exact: full agreement, no divergence, the reference perplexity; fp16 is 2 bytes per value and the checksum
        assertThat(rows.get(0)).contains("| 260.0 |").contains("| 100.00% | 0.00000 |").contains("+0.000%");
        assertThat(rows.get(1)).contains("| 132.0 | 1.00× |");
        assertThat(rows.get(4)).contains("stories.scm: fidelity 1.0");
        assertThat(run.stderr()).contains("generated 60 greedy tokens from 2 prompts");
    }

    @Test
    void aSwarmInScm16AtFullFidelityPrintsTheExactTextWithFewerBytesPerHopThanFp32() throws Exception {
        FarProcess.Outcome exact = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--nodes", "2",
                "--prompt", "", "--max-tokens", "256", "--temperature", "0");
        FarProcess.Outcome scm = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--nodes", "2",
                "--prompt", "", "--max-tokens", "256", "--temperature", "0", "--codec", "scm16", "--scm", codebook.toString());
        assertThat(scm.exitCode()).as(scm.stderr()).isZero();
        assertThat(scm.stdout()).isEqualTo(exact.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(scm.stderr()).contains("codec scm16");
        // 2 bytes per coefficient and the checksum, against fp32's 4 bytes per value: the windows' frames are 158 bytes, not 290
        assertThat(sentBytes(scm.stderr())).isLessThan(sentBytes(exact.stderr()) * 6 / 10);
    }

    @Test
    void anScmCodecWithoutItsCodebookIsAOneLineError() throws Exception {
        FarProcess.expectOneLineError(new String[] {"swarm", "--model", Stories260K.gguf().toString(), "--nodes", "2", "--codec", "scm4",
                "--prompt", ""}, "codec scm4 needs a calibrated codebook: pass --scm FILE");
    }

    @Test
    void aCodebookOfAnotherModelIsAOneLineError() throws Exception {
        Path other = work.resolve("other.gguf");
        FarProcess.Outcome synth = FarProcess.run("synth", "--shape", "small", "--type", "F32", "--out", other.toString());
        assertThat(synth.exitCode()).as(synth.stderr()).isZero();
        FarProcess.expectOneLineError(new String[] {"bench", "codec", "--model", other.toString(), "--scm", codebook.toString(),
                "--text", svsAssets().resolve("heldout.txt").toString()}, "not on the loaded model");
    }

    /** The first hop's bytes sent by the gateway, from far swarm's per-hop table ("1  NODE  [0, 3)  SENT  RECEIVED ..."). */
    private static long sentBytes(String stderr) {
        String line = stderr.lines().filter(l -> l.matches("^1 .*")).findFirst().orElseThrow(() -> new AssertionError(stderr));
        return Long.parseLong(line.trim().split("\\s+")[4].replace(",", ""));
    }
}
