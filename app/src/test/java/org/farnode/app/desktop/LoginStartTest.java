package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start on login as files in a temporary home: the XDG autostart entry, its Exec quoting, and the systems without it. */
class LoginStartTest {
    @TempDir
    Path home;

    @Test
    void enablingWritesAnAutostartEntryAndDisablingRemovesIt() throws Exception {
        LoginStart login = new LoginStart("Linux", Map.of(), home);
        Path entry = home.resolve(".config/autostart/far-node.desktop");
        assertThat(login.entryFile()).contains(entry);
        assertThat(login.isEnabled()).isFalse();

        login.apply(true, "/opt/far-node/bin/far-node");
        assertThat(Files.readAllLines(entry)).containsExactly(
                "[Desktop Entry]",
                "Type=Application",
                "Name=FAR Node",
                "Comment=Starts FAR Node when you log in (set in FAR Node's settings: Start on login)",
                "Exec=/opt/far-node/bin/far-node",
                "Terminal=false",
                "X-GNOME-Autostart-enabled=true");
        assertThat(login.isEnabled()).isTrue();
        try (var files = Files.list(entry.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(entry);
        }

        login.apply(true, "/usr/local/bin/far-node"); // a new place replaces the entry
        assertThat(Files.readString(entry)).contains("Exec=/usr/local/bin/far-node\n").doesNotContain("/opt/");

        login.apply(false, "/usr/local/bin/far-node");
        assertThat(entry).doesNotExist();
        assertThat(login.isEnabled()).isFalse();
        login.apply(false, "/usr/local/bin/far-node"); // nothing left to remove
    }

    @Test
    void theEntryGoesUnderAnAbsoluteXdgConfigHomeOnly() {
        Path config = home.resolve("elsewhere");
        assertThat(new LoginStart("Linux", Map.of("XDG_CONFIG_HOME", config.toString()), home).entryFile())
                .contains(config.resolve("autostart/far-node.desktop"));
        assertThat(new LoginStart("FreeBSD", Map.of("XDG_CONFIG_HOME", "relative/config"), home).entryFile())
                .contains(home.resolve(".config/autostart/far-node.desktop"));
    }

    @Test
    void aPathWithSpacesIsQuotedAsOneArgument() throws Exception {
        LoginStart login = new LoginStart("Linux", Map.of(), home);
        login.apply(true, "/home/ana/FAR Node/bin/far-node");
        assertThat(Files.readString(home.resolve(".config/autostart/far-node.desktop")))
                .contains("\nExec=\"/home/ana/FAR Node/bin/far-node\"\n");
    }

    @Test
    void execArgumentsAreQuotedAndEscapedAsTheDesktopEntrySpecificationSays() {
        // Inside quotes " ` $ \ take a backslash; then the string escapes double every backslash once more.
        assertThat(LoginStart.execValue(List.of("/opt/a$b/run", "--model", "C:\\m 1.gguf", "100%", "say \"hi\"", "`x`")))
                .isEqualTo("\"/opt/a\\\\$b/run\" --model \"C:\\\\\\\\m 1.gguf\" 100%% \"say \\\\\"hi\\\\\"\" \"\\\\`x\\\\`\"");
        assertThat(LoginStart.execValue(List.of("/opt/far", ""))).as("an empty argument stays one").isEqualTo("/opt/far \"\"");
        assertThat(LoginStart.execValue(List.of("/opt/far", "two\nlines"))).isEqualTo("/opt/far \"two\\nlines\"");
    }

    @Test
    void anEntrySwitchedOffByTheDesktopIsNotEnabled() throws Exception {
        LoginStart login = new LoginStart("Linux", Map.of(), home);
        login.apply(true, "/opt/far-node/bin/far-node");
        Path entry = login.entryFile().orElseThrow();
        Files.writeString(entry, Files.readString(entry).replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false"));
        assertThat(login.isEnabled()).isFalse();
    }

    @Test
    void enablingWithNoProgramIsRefused() {
        LoginStart login = new LoginStart("Linux", Map.of(), home);
        assertThatThrownBy(() -> login.apply(true, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs the program that starts FAR Node");
        assertThat(login.isEnabled()).isFalse();
    }

    @Test
    void macOsAndWindowsSayStartOnLoginIsNotAvailableYet() throws Exception {
        for (String system : List.of("Mac OS X", "Windows 11")) {
            LoginStart login = new LoginStart(system, Map.of("APPDATA", home.toString()), home);
            assertThat(login.entryFile()).isEmpty();
            assertThatThrownBy(() -> login.apply(true, "/Applications/FAR Node.app")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("start on login is not available on " + system + " yet; start FAR Node yourself after logging in");
            login.apply(false, "/Applications/FAR Node.app");
            assertThat(login.isEnabled()).isFalse();
        }
        try (var written = Files.walk(home)) {
            assertThat(written).as("nothing written").containsExactly(home);
        }
    }
}
