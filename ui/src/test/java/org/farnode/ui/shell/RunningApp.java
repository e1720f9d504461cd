package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Application;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import atlantafx.base.theme.PrimerLight;
import org.farnode.app.desktop.DesktopNode;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The real app on a TestFX stage: stories260K, a fresh data folder, the local gateway's stories running, no tray. */
final class RunningApp {
    private RunningApp() {
    }

    static AppShell open(Stage stage, Path dataFolder, Optional<Path> model) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        AppShell shell = new AppShell(stage, dataFolder, true, false);
        shell.open(model);
        return shell;
    }

    /** Waits until the node has started and its window shows. */
    static DesktopNode awaitNode(AppShell shell) throws Exception {
        waitFor(Duration.ofSeconds(60), "the node to start", () -> shell.window() != null);
        return shell.node();
    }

    static void waitFor(Duration limit, String what, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS, condition::getAsBoolean);
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    /** The text of the label with {@code id}; empty while no such label is on screen yet. */
    static String text(FxRobot robot, String id) {
        return robot.lookup("#" + id).tryQueryAs(Label.class).map(Label::getText).orElse("");
    }

    /** Shows the main window's tab titled {@code title}, as clicking its header does. */
    static void selectTab(FxRobot robot, AppShell shell, String title) {
        robot.interact(() -> shell.window().select(title));
    }

    /** A figure the dashboard writes with thousands separators, as a number. */
    static long number(FxRobot robot, String id) {
        String text = text(robot, id).replace(",", "");
        return text.isEmpty() || text.equals("—") ? -1 : (long) Double.parseDouble(text);
    }

    static void stop(AppShell shell) throws Exception {
        if (shell.window() != null) {
            shell.window().shutdown();
        }
        if (shell.node() != null) {
            shell.node().close();
        }
    }
}
