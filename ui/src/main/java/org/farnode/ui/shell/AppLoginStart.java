package org.farnode.ui.shell;

import java.nio.file.Path;
import java.util.List;
import org.farnode.app.desktop.LoginStart;

/**
 * Start on login for this app: the login starts the same {@code far-node} launcher this run came
 * from, with the same data folder. The launcher names itself in the {@code far.launcher} property.
 */
final class AppLoginStart {
    private final LoginStart login = LoginStart.forThisUser();
    private final Path dataFolder;

    AppLoginStart(Path dataFolder) {
        this.dataFolder = dataFolder;
    }

    void apply(boolean enabled) {
        if (!enabled) {
            login.apply(false, List.of());
            return;
        }
        String launcher = System.getProperty("far.launcher");
        if (launcher == null || launcher.isBlank()) {
            throw new IllegalStateException("start on login needs the app started by the far-node launcher, which says where it is");
        }
        login.apply(true, List.of(launcher, "--data-folder", dataFolder.toString()));
    }
}
