package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.farnode.app.testing.FarProcess;
import org.junit.jupiter.api.Test;

/** {@code far self-test} through the launcher, as a user or a CI job runs it: with lavapipe or no Vulkan driver at all. */
class SelfTestCommandIT {
    @Test
    void passesOnTheSyntheticModel() throws Exception {
        FarProcess.Outcome run = FarProcess.run("self-test");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("far-node self-test: PASS").containsPattern("tokens +16 in \\d+ ms")
                .contains("swarm    2 nodes: layers [0, 1)");
        assertThat(run.stderr()).doesNotContain("FAIL");
    }

    @Test
    void passesOnTheCpuWhereVulkanHasNoDriverAndSaysWhy() throws Exception {
        // Points the loader at a driver manifest that does not exist; newer loaders read the second name.
        FarProcess.Outcome run = FarProcess.run(Map.of("VK_ICD_FILENAMES", "/nonexistent.json", "VK_DRIVER_FILES", "/nonexistent.json"),
                "self-test");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Vulkan cannot be used: ").contains("the CPU backend is used instead")
                .containsPattern("backend +CPU, .*; using the CPU backend: Vulkan cannot be used")
                .contains("far-node self-test: PASS").containsPattern("tokens +16 in \\d+ ms");
    }

    @Test
    void aMissingModelFailsWithExitCode1NamingTheFile() throws Exception {
        FarProcess.Outcome run = FarProcess.run("self-test", "--model", "/nonexistent/model.gguf");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("far-node self-test: FAIL at model: model file not found: /nonexistent/model.gguf");
        assertThat(run.stdout()).doesNotContain("PASS");
    }
}
