package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.codec.RandomCodebooks;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.codec.scm.ScmFile;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** far node with an SCM codebook says where its SCM codecs run: on the GPU with --backend vulkan (lavapipe in CI), else why not. */
class NodeCodecPlacementIT {
    @TempDir
    static Path work;
    private static Path codebook;

    @BeforeAll
    static void writeCodebook() throws Exception {
        List<ScmBoundary> boundaries = new ArrayList<>();
        for (int b = 0; b <= 5; b++) {
            boundaries.add(RandomCodebooks.boundary(b, 64, 40, 2, b));
        }
        codebook = work.resolve("stories.scm");
        ScmFile.write(codebook, new ScmCodebook(ModelFingerprint.of(Stories260K.gguf()), 64, 0.99, boundaries));
    }

    /** Starts far node, which stops at once because its standard input is closed, and returns what it printed. */
    private static FarProcess.Outcome node(String backend) throws Exception {
        return FarProcess.run("node", "--model", Stories260K.gguf().toString(), "--layers", "0:5", "--port", "0",
                "--data-dir", work.resolve("node-" + backend).toString(), "--scm", codebook.toString(), "--backend", backend,
                "--stop-on-stdin-close");
    }

    @Test
    void aVulkanNodeSaysItsScmCodecsRunOnTheGpu() throws Exception {
        FarProcess.Outcome run = node("vulkan");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("far node: SCM codecs (scm8, scm4, scm16) projected and coded on the GPU, llvmpipe");
    }

    @Test
    void aCpuNodeSaysWhyItsScmCodecsRunOnTheCpu() throws Exception {
        FarProcess.Outcome run = node("cpu");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).containsPattern("far node: SCM codecs \\(scm8, scm4, scm16[^)]*\\) on the CPU: the backend has no GPU");
    }
}
