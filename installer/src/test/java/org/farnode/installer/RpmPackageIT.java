package org.farnode.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The .rpm, where the build made one (Linux with rpmbuild): its size, name, version and what it
 * requires, read back with rpm. Installing it needs an rpm-based system, which this test does not have.
 */
class RpmPackageIT {
    @Test
    void theRpmIsAtMost150MegabytesAndNamesWhatItNeeds() throws Exception {
        Path rpm = builtRpm();
        assertThat(Files.size(rpm)).as("size of %s", rpm).isLessThanOrEqualTo(150L * 1000 * 1000);
        Path here = Path.of(".");
        String info = Commands.run(List.of("rpm", "-qp", "--queryformat", "%{NAME} %{VERSION}\\n", rpm.toString()), here)
                .requireSuccess().stdout();
        assertThat(info).contains("far-node " + System.getProperty("far.app.version"));
        String requires = Commands.run(List.of("rpm", "-qp", "--requires", rpm.toString()), here).requireSuccess().stdout();
        assertThat(requires).contains("gtk3").contains("mesa-libGL").contains("vulkan-loader");
        String files = Commands.run(List.of("rpm", "-qpl", rpm.toString()), here).requireSuccess().stdout();
        assertThat(files).contains("/opt/far-node/bin/far-node").contains("lwjgl-3.4.1-natives-linux.jar")
                .doesNotContain("natives-windows").doesNotContain("natives-macos");
    }

    private static Path builtRpm() throws IOException {
        Path folder = Path.of(System.getProperty("far.installers"));
        List<Path> rpms;
        try (Stream<Path> files = Files.exists(folder) ? Files.list(folder) : Stream.empty()) {
            rpms = files.filter(f -> f.getFileName().toString().endsWith(".rpm")).toList();
        }
        Assumptions.assumeTrue(!rpms.isEmpty(), "no .rpm was built (the build makes one on Linux where rpmbuild is installed)");
        assertThat(rpms).hasSize(1);
        return rpms.getFirst();
    }
}
