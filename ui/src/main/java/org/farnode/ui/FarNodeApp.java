package org.farnode.ui;

import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.farnode.app.desktop.SingleInstance;
import org.farnode.ui.shell.AppShell;
import org.farnode.ui.shell.LaunchOptions;

/** The JavaFX application: the theme, one {@link AppShell}, and a second launch bringing it forward. */
public final class FarNodeApp extends Application {
    private static LaunchOptions options;
    private static SingleInstance instance;
    /** What a later launch's show request does: nothing until the window exists. */
    static final java.util.concurrent.atomic.AtomicReference<Runnable> SHOW_REQUEST = new java.util.concurrent.atomic.AtomicReference<>(() -> { });

    /** Called by {@link Launcher} before {@link Application#launch}: JavaFX builds this class itself. */
    static void prepare(LaunchOptions launchOptions, SingleInstance claimed) {
        options = launchOptions;
        instance = claimed;
    }

    @Override
    public void start(Stage stage) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        AppShell shell = new AppShell(stage, options.dataFolder(), options.testTraffic(), options.tray());
        // What the log view shows also goes to the terminal the app was started from.
        shell.log().addListener(entry -> System.err.println("far-node: " + entry.kind() + ": " + entry.message()));
        SHOW_REQUEST.set(() -> Platform.runLater(() -> {
            shell.log().add("window", "another launch asked for the window: brought forward");
            shell.bringForward();
        }));
        shell.open(options.model());
    }

    @Override
    public void stop() {
        instance.close();
    }
}
