package org.farnode.app.settings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where an operating system keeps a user's application settings, and so where FAR Node keeps its own. */
public final class AppDataFolder {
    private AppDataFolder() {
    }

    /** The folder for the user running this process. */
    public static Path current() {
        return of(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Windows: {@code %APPDATA%\FAR Node}; macOS: {@code ~/Library/Application Support/FAR Node};
     * elsewhere (Linux, BSD): {@code $XDG_CONFIG_HOME/far-node}, or {@code ~/.config/far-node} when
     * that is unset or not absolute (as the XDG base directory specification says to treat it).
     */
    public static Path of(String osName, Map<String, String> environment, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = environment.get("APPDATA");
            Path roaming = appData != null && !appData.isBlank() ? Path.of(appData) : home.resolve("AppData").resolve("Roaming");
            return roaming.resolve("FAR Node");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("FAR Node");
        }
        String xdg = environment.get("XDG_CONFIG_HOME");
        Path config = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return config.resolve("far-node");
    }
}
