package org.farnode.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb as an operator gets it: installed with dpkg, the installed launcher's {@code --self-test}
 * without a display, the app's window on the display, and a removal that leaves nothing behind.
 * Installing a package needs root: elsewhere the test skips and says so, except under
 * {@code CI=true}, where it must run.
 */
class DebPackageIT {
    private static final long MAX_DEB_BYTES = 150L * 1000 * 1000;
    private static final Path INSTALL_DIR = Path.of("/opt/far-node");
    private static final Path LAUNCHER = INSTALL_DIR.resolve("bin/far-node");
    private static final Path MENU_ENTRY = Path.of("/usr/share/applications/far-node.desktop");

    @TempDir
    Path home;

    @Test
    void theDebIsAtMost150MegabytesAndNamesWhatItNeeds() throws Exception {
        Path deb = builtDeb();
        assertThat(Files.size(deb)).as("size of %s", deb).isLessThanOrEqualTo(MAX_DEB_BYTES);
        String fields = Commands.run(List.of("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Depends"), Path.of("."))
                .requireSuccess().stdout();
        assertThat(fields).contains("Package: far-node").contains("Version: " + System.getProperty("far.app.version"))
                .contains("libgtk-3-0").contains("libgl1").contains("libvulkan1");
        String files = Commands.run(List.of("dpkg-deb", "-c", deb.toString()), Path.of(".")).requireSuccess().stdout();
        assertThat(files).as("only this platform's native libraries")
                .contains("lwjgl-3.4.1-natives-linux.jar")
                .doesNotContain("natives-windows").doesNotContain("natives-macos").doesNotContain("-win.jar")
                .doesNotContain("-mac.jar");
    }

    @Test
    void installsRunsItsSelfTestOpensItsWindowAndRemovesCleanly() throws Exception {
        Path deb = builtDeb();
        requireRoot();
        assertThat(Commands.run(List.of("dpkg", "-s", "far-node"), home).exitCode())
                .as("far-node is already installed here; this test installs and removes its own copy: remove it first "
                        + "(dpkg --purge far-node)").isNotZero();
        try {
            Commands.run(List.of("dpkg", "-i", deb.toString()), home).requireSuccess();
            assertThat(LAUNCHER).isExecutable();
            assertThat(INSTALL_DIR.resolve("lib/far-node.png")).isRegularFile();
            assertThat(MENU_ENTRY).as("the launcher menu entry").isRegularFile();
            assertThat(Files.readString(MENU_ENTRY)).contains("Name=FAR Node").contains("Exec=" + LAUNCHER)
                    .contains("Categories=Network;P2P;");

            selfTestPassesWithoutADisplay();
            windowOpensOnTheDisplay();
        } finally {
            // --purge, so dpkg forgets the package entirely (plain -r keeps its record until a purge).
            Commands.Result removed = Commands.run(List.of("dpkg", "--purge", "far-node"), home);
            assertThat(removed.exitCode()).as("dpkg --purge far-node: %s", removed.stderr()).isZero();
        }
        assertThat(Commands.run(List.of("dpkg", "-s", "far-node"), home).exitCode()).as("dpkg knows far-node no more").isNotZero();
        assertThat(INSTALL_DIR).as("nothing left of the app after its removal").doesNotExist();
        assertThat(MENU_ENTRY).doesNotExist();
    }

    private void selfTestPassesWithoutADisplay() throws Exception {
        Commands.Result selfTest = Commands.runHeadless(List.of(LAUNCHER.toString(), "--self-test"), home);
        assertThat(selfTest.exitCode()).as("far-node --self-test:\n%s\n%s", selfTest.stdout(), selfTest.stderr()).isZero();
        assertThat(selfTest.stdout()).contains("far-node self-test: PASS");
        System.out.println("DebPackageIT: " + LAUNCHER + " --self-test printed:\n" + selfTest.stdout());
    }

    private void windowOpensOnTheDisplay() throws Exception {
        String display = System.getenv("DISPLAY");
        if (display == null || display.isBlank()) {
            requireInCi("the installed app's window needs a display (./run-tests starts Xvfb)");
            return;
        }
        Path model = Stories260K.gguf();
        try (InstalledApp app = InstalledApp.start(LAUNCHER, home, model)) {
            app.awaitLine("serves layers", 120);
            String windows = app.awaitWindow("FAR Node", 60);
            assertThat(windows).contains("\"FAR Node\"");
            app.screenshot(Path.of(System.getProperty("far.installers")).resolve("installed-app.png"));
        }
    }

    private static Path builtDeb() throws IOException {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"),
                "the .deb is built and tested on Linux only");
        Path folder = Path.of(System.getProperty("far.installers"));
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().endsWith(".deb")).toList();
            assertThat(debs).as("one .deb in %s (mvn package builds it)", folder).hasSize(1);
            return debs.getFirst();
        }
    }

    private static void requireRoot() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            requireInCi("installing the .deb needs root (this runs as uid " + uid + "): run the tests as root to install, "
                    + "self-test and remove it");
        }
    }

    private static void requireInCi(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why + "; CI=true requires this test to run");
        }
        System.err.println("DebPackageIT: SKIPPED: " + why);
        Assumptions.abort(why);
    }
}
