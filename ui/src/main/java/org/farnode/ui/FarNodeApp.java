package org.farnode.ui;

import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import java.io.IOException;
import org.farnode.app.desktop.ActivityLogFile;
import org.farnode.app.desktop.SingleInstance;
import org.farnode.ui.shell.AppShell;
import org.farnode.ui.shell.LaunchOptions;

/** The JavaFX application: the theme, one {@link AppShell}, and a second launch bringing it forward. */
public final class FarNodeApp extends Application {
    private static LaunchOptions options;
    private static SingleInstance instance;
    private ActivityLogFile logFile;
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
        // What the log view shows also goes to the terminal the app was started from, and to the log file in the
        // data folder (an app started from a menu has no terminal).
        shell.log().addListener(entry -> System.err.println("far-node: " + entry.kind() + ": " + entry.message()));
        try {
            logFile = ActivityLogFile.in(options.dataFolder());
            shell.log().entries().forEach(logFile);
            shell.log().addListener(logFile);
            shell.log().add("log", "this log is also kept in " + logFile.file());
        } catch (IOException e) {
            shell.log().add("log", "the log file cannot be written (" + e.getMessage() + "): the log stays in this window only");
        }
        SHOW_REQUEST.set(() -> Platform.runLater(() -> {
            shell.log().add("window", "another launch asked for the window: brought forward");
            shell.bringForward();
        }));
        shell.open(options.model());
    }

    @Override
    public void stop() {
        if (logFile != null) {
            logFile.close();
        }
        instance.close();
    }
}
