package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.farnode.app.testing.FarProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code far devices} through the launcher: on lavapipe, and with the Vulkan driver hidden. */
class DevicesCommandIT {
    /** Points the loader at a driver manifest that does not exist; newer loaders read the second name. */
    private static final Map<String, String> NO_DRIVER = Map.of(
            "VK_ICD_FILENAMES", "/nonexistent.json",
            "VK_DRIVER_FILES", "/nonexistent.json");

    @Test
    void listsLavapipeAsASoftwareCpuDevice() throws Exception {
        FarProcess.Outcome run = FarProcess.run("devices");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        requireLavapipe(run.stdout());
        assertThat(run.stdout()).contains("Vulkan devices, best first").contains("llvmpipe")
                .containsPattern("type +CPU, software").contains("vendor           Mesa (0x10005)")
                .containsPattern("memory heap 0 +[0-9.]+ GiB, device-local").containsPattern("subgroup size +[1-9]")
                .contains("--backend auto uses [").contains("software device: slow, for testing");
    }

    @Test
    void jsonHasTheSameDevice() throws Exception {
        FarProcess.Outcome run = FarProcess.run("devices", "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        requireLavapipe(run.stdout());
        JsonNode report = new ObjectMapper().readTree(run.stdout());
        assertThat(report.get("vulkanAvailable").asBoolean()).isTrue();
        JsonNode lavapipe = null;
        for (JsonNode device : report.get("devices")) {
            if (device.get("name").asText().contains("llvmpipe")) {
                lavapipe = device;
            }
        }
        assertThat(lavapipe).as(run.stdout()).isNotNull();
        assertThat(lavapipe.get("type").asText()).isEqualTo("CPU");
        assertThat(lavapipe.get("software").asBoolean()).isTrue();
        assertThat(lavapipe.get("vendor").asText()).isEqualTo("Mesa");
        assertThat(lavapipe.get("driver").get("name").asText()).isEqualTo("llvmpipe");
        assertThat(lavapipe.get("memoryHeaps").size()).isPositive();
        assertThat(lavapipe.get("compute").get("subgroupSize").asInt()).isPositive();
        assertThat(lavapipe.get("compute").get("maxWorkgroupSize").size()).isEqualTo(3);
        assertThat(report.get("autoChoice").get("index").isInt()).isTrue();
    }

    @Test
    void withoutADriverSaysWhyAndFallsBackToTheCpu() throws Exception {
        FarProcess.Outcome run = FarProcess.run(NO_DRIVER, "devices");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Vulkan cannot be used: ").containsAnyOf("no driver", "no Vulkan loader")
                .contains("using the CPU backend instead");
        assertThat(run.stderr()).doesNotContain("far: error");
    }

    @Test
    void jsonWithoutADriverSaysVulkanIsUnavailable() throws Exception {
        FarProcess.Outcome run = FarProcess.run(NO_DRIVER, "devices", "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.stdout());
        assertThat(report.get("vulkanAvailable").asBoolean()).isFalse();
        assertThat(report.get("reason").asText()).containsAnyOf("no driver", "no Vulkan loader");
        assertThat(report.get("fallback").asText()).isEqualTo("cpu");
        assertThat(report.get("devices").size()).isZero();
    }

    @Test
    void withoutTheLoaderLibrarySaysSoAndFallsBackToTheCpu() throws Exception {
        FarProcess.Outcome run = FarProcess.run(
                Map.of("FAR_JAVA_OPTS", "-Dorg.lwjgl.vulkan.libname=/nonexistent/libvulkan.so.1"), "devices");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Vulkan cannot be used: no Vulkan loader").contains("libvulkan.so.1")
                .contains("using the CPU backend instead");
    }

    /** Lavapipe is what CI installs; elsewhere a machine without it skips, visibly (CI=true fails instead). */
    private static void requireLavapipe(String stdout) {
        if (stdout.contains("llvmpipe")) {
            return;
        }
        String message = "no llvmpipe (lavapipe) Vulkan device; install mesa-vulkan-drivers. far devices said:\n" + stdout;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
    }
}
