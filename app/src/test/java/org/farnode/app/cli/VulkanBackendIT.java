package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

/** The commands with --backend, on this machine's Vulkan device (lavapipe in CI), run as a user runs them. */
class VulkanBackendIT {

    @Test
    void generateOnVulkanPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--backend", "vulkan", "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).contains("Vulkan on ");
    }

    @Test
    void swarmOfVulkanNodesPrintsTheReferenceText() throws Exception {
        FarProcess.Outcome run = FarProcess.run("swarm", "--model", Stories260K.gguf().toString(), "--nodes", "2", "--prompt", "",
                "--max-tokens", "256", "--temperature", "0", "--backend", "vulkan");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Stories260K.greedyText256());
        assertThat(run.stderr()).contains("stopped 2 nodes (exit codes 0, 0)");
    }

    @Test
    void autoSaysWhyItUsesTheCpuWhenTheOnlyDeviceIsASoftwareRenderer() throws Exception {
        FarProcess.Outcome run = FarProcess.run("generate", "--model", Stories260K.gguf().toString(), "--max-tokens", "8",
                "--temperature", "0", "--stats");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("far: using the CPU backend: the only Vulkan device is llvmpipe")
                .contains("CPU, ");
    }

    @Test
    void vulkanWithoutADriverIsAOneLineError() throws Exception {
        FarProcess.Outcome run = FarProcess.run(Map.of("VK_ICD_FILENAMES", "/nonexistent.json", "VK_DRIVER_FILES", "/nonexistent.json"),
                "generate", "--model", Stories260K.gguf().toString(), "--max-tokens", "8", "--backend", "vulkan");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("far: error: --backend vulkan: Vulkan cannot be used: the Vulkan loader found no driver");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void anUnknownBackendIsAOneLineError() throws Exception {
        FarProcess.expectOneLineError(new String[] {"generate", "--model", Stories260K.gguf().toString(), "--backend", "cuda"},
                "--backend 'cuda' is not one of auto, vulkan, cpu");
    }
}
