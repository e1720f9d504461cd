package org.farnode.ui;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Optional;
import javafx.application.Application;
import org.farnode.app.desktop.SingleInstance;
import org.farnode.app.selftest.SelfTest;
import org.farnode.ui.shell.LaunchOptions;

/**
 * The desktop app's entry point. A plain class, not the {@link Application}: started from the
 * class path, JavaFX refuses a main class that extends Application. Claims the single instance
 * first; a second launch asks the running one to show its window and ends. {@code --self-test}
 * runs before both, touching no JavaFX class: it must work while the app is open, and without a display.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(LaunchOptions.USAGE.formatted(org.farnode.app.settings.AppDataFolder.current()));
            return;
        }
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println("far-node: " + e.getMessage());
            System.err.println(LaunchOptions.USAGE.formatted(org.farnode.app.settings.AppDataFolder.current()));
            System.exit(2);
            return;
        }
        if (options.selfTest()) {
            System.exit(SelfTest.run(options.model(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
            return;
        }
        Optional<SingleInstance> claimed = SingleInstance.claim(options.dataFolder(), () -> FarNodeApp.SHOW_REQUEST.get().run());
        if (claimed.isEmpty()) {
            System.err.println("far-node: FAR Node is already running for this user (" + options.dataFolder()
                    + "); its window was brought forward");
            return;
        }
        FarNodeApp.prepare(options, claimed.get());
        Application.launch(FarNodeApp.class, args);
    }
}
