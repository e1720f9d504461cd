package org.farnode.ui.tour;

import atlantafx.base.theme.PrimerLight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.farnode.ui.shell.AppShell;

/**
 * Takes the README's screenshots of the real app on the X display it runs on: the first-run
 * screen, then, with stories260K chosen there, the dashboard after the swarm has worked a while,
 * Try it after a generation, and the settings. Each is a real screen grab (ImageMagick's
 * {@code import -window root}). Run by {@code scripts/screenshots.sh} under Xvfb.
 *
 * <p>Arguments: the model file, the folder to write the PNGs to.
 */
public final class ScreenshotTour {
    private static Path model;
    private static Path output;

    private ScreenshotTour() {
    }

    public static void main(String[] args) {
        model = Path.of(args[0]).toAbsolutePath().normalize();
        output = Path.of(args[1]).toAbsolutePath();
        Application.launch(TourApp.class);
    }

    /** The application JavaFX builds; a nested class because JavaFX refuses a class-path main class that is one. */
    public static final class TourApp extends Application {
        @Override
        public void start(Stage stage) throws IOException {
            ScreenshotTour.start(stage);
        }
    }

    private static void start(Stage stage) throws IOException {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        stage.setX(0);
        stage.setY(0);
        Path dataFolder = Files.createTempDirectory("far-node-tour-");
        AppShell shell = new AppShell(stage, dataFolder, true, false);
        shell.open(Optional.empty());
        Thread.ofPlatform().name("tour").start(() -> {
            try {
                tour(stage, shell);
                System.exit(0);
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        });
    }

    private static void tour(Stage stage, AppShell shell) throws Exception {
        Thread.sleep(1500);
        onFx(() -> ((TextField) stage.getScene().lookup("#model-path")).setText(model.toString()));
        grab("first-run");
        onFx(() -> ((Button) stage.getScene().lookup("#start-node")).fire());
        while (shell.window() == null) {
            Thread.sleep(200);
        }
        Thread.sleep(20_000); // the charts fill in with 20 s of the local gateway's stories
        grab("dashboard");
        onFx(() -> {
            shell.window().select("Try it");
            ((TextField) stage.getScene().lookup("#try-max-tokens")).setText("200");
            ((Button) stage.getScene().lookup("#try-run")).fire();
        });
        while (!onFxGet(() -> ((javafx.scene.control.Label) stage.getScene().lookup("#try-summary")).getText())
                .contains("round trip")) {
            Thread.sleep(200);
        }
        Thread.sleep(500);
        grab("try-it");
        onFx(() -> shell.window().select("Settings"));
        Thread.sleep(800);
        grab("settings");
        onFx(() -> shell.window().select("Dashboard"));
        onFx(() -> shell.node().control().pause());
        Thread.sleep(2500);
        grab("paused");
        shell.window().shutdown();
        shell.node().close();
    }

    private static void grab(String name) throws Exception {
        Thread.sleep(300);
        Process process = new ProcessBuilder("import", "-window", "root", output.resolve(name + ".png").toString())
                .inheritIO().start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("import failed for " + name);
        }
        System.out.println("screenshot: " + output.resolve(name + ".png"));
    }

    private static void onFx(Runnable action) throws InterruptedException {
        onFxGet(() -> {
            action.run();
            return null;
        });
    }

    private static <T> T onFxGet(java.util.function.Supplier<T> value) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Object[] result = new Object[1];
        Platform.runLater(() -> {
            try {
                result[0] = value.get();
            } finally {
                done.countDown();
            }
        });
        done.await();
        @SuppressWarnings("unchecked")
        T typed = (T) result[0];
        return typed;
    }
}
