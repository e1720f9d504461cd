package org.farnode.ui.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.farnode.app.desktop.ActivityLog;
import org.farnode.app.desktop.DesktopNode;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.settings.SettingsStore;

/**
 * The app's course on one stage: the first-run screen when no model is chosen, the progress of
 * starting, then the main window; closing goes to the tray when there is one and the operator
 * wants it, else it quits. The node starts and stops off the FX thread.
 */
public final class AppShell {
    /** The sizes a desktop picks from for the title bar, task bar and window switcher. */
    static final List<Integer> WINDOW_ICON_SIZES = List.of(16, 32, 48, 64, 128, 256);

    private final Stage stage;
    private final Path dataFolder;
    private final SettingsStore store;
    private final boolean localLoad;
    private final boolean useTray;
    private final ActivityLog log = new ActivityLog();
    private final StackPane root = new StackPane();
    private DesktopNode node;
    private MainWindow window;
    private Optional<TrayControl> tray = Optional.empty();
    private final AppLoginStart loginStart;

    /**
     * @param dataFolder where settings and the node's key live
     * @param localLoad  whether the local gateway's stories start with the node
     * @param useTray    whether to try the system tray at all
     */
    public AppShell(Stage stage, Path dataFolder, boolean localLoad, boolean useTray) {
        this.stage = stage;
        this.dataFolder = dataFolder;
        this.store = new SettingsStore(dataFolder);
        this.loginStart = new AppLoginStart(dataFolder);
        this.localLoad = localLoad;
        this.useTray = useTray;
        stage.setTitle("FAR Node");
        AppIconArtwork icon = AppIconArtwork.brand();
        stage.getIcons().setAll(WINDOW_ICON_SIZES.stream().map(size -> FxImageCopy.of(icon.render(size))).toList());
        stage.setScene(new Scene(root, 1280, 900));
        stage.setOnCloseRequest(event -> {
            if (tray.isPresent() && store.load().settings().closeToTray()) {
                event.consume();
                stage.hide();
            } else {
                event.consume();
                quit();
            }
        });
    }

    /** Shows the first screen: the first-run screen without a model, else the node starting. */
    public void open(Optional<Path> defaultModel) {
        SettingsStore.Loaded loaded = store.load();
        loaded.notice().ifPresent(notice -> log.add("settings", notice));
        OperatorSettings settings = loaded.settings();
        if (settings.modelFile().isBlank() && defaultModel.isPresent()) {
            settings = settings.withModelFile(defaultModel.get().toAbsolutePath().toString());
            store.save(settings);
        }
        if (settings.modelFile().isBlank()) {
            showFirstRun("");
        } else {
            start(settings);
        }
        stage.show();
    }

    private void showFirstRun(String reason) {
        show(new FirstRunView(reason, chosen -> {
            OperatorSettings settings = store.load().settings().withModelFile(chosen.toString());
            store.save(settings);
            start(settings);
        }));
    }

    private void start(OperatorSettings settings) {
        StartingView starting = new StartingView();
        show(starting);
        Thread.ofPlatform().name("node-start").daemon().start(() -> {
            try {
                DesktopNode started = DesktopNode.start(settings, dataFolder, log,
                        step -> Platform.runLater(() -> starting.step(step)));
                if (localLoad) {
                    started.startLocalLoad();
                }
                Platform.runLater(() -> showNode(started));
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                Platform.runLater(() -> showFirstRun("The node could not start with " + settings.modelFile() + ": " + message));
            }
        });
    }

    private void showNode(DesktopNode started) {
        node = started;
        window = new MainWindow(started, store, this::applySaved);
        show(window);
        if (useTray) {
            TrayControl.Outcome outcome = TrayControl.install(started.control(), this::bringForward, this::quit);
            tray = outcome.tray();
            // With a tray, a hidden window must not end the app.
            Platform.setImplicitExit(tray.isEmpty());
            log.add("tray", outcome.message());
        } else {
            log.add("tray", "the system tray is not used in this run: closing the window quits");
        }
    }

    /** Takes saved settings to the running node and the login start; says what changed now and what waits. */
    private String applySaved(OperatorSettings settings) {
        node.apply(settings);
        loginStart.apply(settings.startOnLogin());
        return "Applied now: " + DesktopNode.APPLIED_LIVE + ". At the next start: " + DesktopNode.AT_NEXT_START + ".";
    }

    private void show(Parent screen) {
        root.getChildren().setAll(screen);
    }

    /** Shows the window in front (a second launch, or the tray's "Open dashboard"). */
    public void bringForward() {
        stage.show();
        stage.setIconified(false);
        stage.toFront();
        if (window != null) {
            window.select("Dashboard");
        }
    }

    /** Stops the node and ends the app. */
    public void quit() {
        tray.ifPresent(TrayControl::remove);
        stage.hide();
        if (window != null) {
            window.shutdown();
        }
        DesktopNode running = node;
        Thread.ofPlatform().name("node-stop").start(() -> {
            try {
                if (running != null) {
                    running.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                Platform.exit();
            }
        });
    }

    /** The running node; null before it has started. */
    public DesktopNode node() {
        return node;
    }

    /** The main window; null before the node has started. */
    public MainWindow window() {
        return window;
    }

    public ActivityLog log() {
        return log;
    }
}
