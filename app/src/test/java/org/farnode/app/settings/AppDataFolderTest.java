package org.farnode.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppDataFolderTest {
    private static final Path HOME = Path.of("/home/ada");

    @Test
    void linuxUsesTheXdgConfigFolderOrDotConfig() {
        assertThat(AppDataFolder.of("Linux", Map.of("XDG_CONFIG_HOME", "/srv/conf"), HOME)).isEqualTo(Path.of("/srv/conf/far-node"));
        assertThat(AppDataFolder.of("Linux", Map.of(), HOME)).isEqualTo(Path.of("/home/ada/.config/far-node"));
        assertThat(AppDataFolder.of("Linux", Map.of("XDG_CONFIG_HOME", "relative/conf"), HOME))
                .as("a relative XDG_CONFIG_HOME is ignored").isEqualTo(Path.of("/home/ada/.config/far-node"));
    }

    @Test
    void macOsUsesApplicationSupportAndWindowsAppData() {
        assertThat(AppDataFolder.of("Mac OS X", Map.of(), HOME)).isEqualTo(Path.of("/home/ada/Library/Application Support/FAR Node"));
        assertThat(AppDataFolder.of("Windows 11", Map.of("APPDATA", "/users/ada/roaming"), HOME))
                .isEqualTo(Path.of("/users/ada/roaming/FAR Node"));
        assertThat(AppDataFolder.of("Windows 11", Map.of(), HOME)).isEqualTo(Path.of("/home/ada/AppData/Roaming/FAR Node"));
    }
}
