package org.farnode.ui.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.farnode.app.settings.SettingsStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The settings form on a real display (Xvfb in CI), driven as a person would: typing and clicking. */
@ExtendWith(ApplicationExtension.class)
class SettingsFormTest {
    @TempDir
    static Path folder;

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new Scene(new SettingsForm(new SettingsStore(folder)), 900, 760));
        stage.show();
    }

    private static void replace(FxRobot robot, String id, String text) {
        robot.clickOn("#" + id);
        robot.interact(() -> robot.lookup("#" + id).queryAs(TextField.class).clear());
        robot.write(text);
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup("#" + id).queryAs(Label.class).getText();
    }

    @Test
    void wrongValuesAreNamedAndNotSavedAndRightOnesSurviveARestart(FxRobot robot) throws Exception {
        SettingsStore store = new SettingsStore(folder);
        Files.deleteIfExists(store.file());

        replace(robot, "listenPort", "70000");
        replace(robot, "gpuSharePercent", "half");
        replace(robot, "schedule", "Mon 18:00");
        robot.clickOn("#save-settings");
        assertThat(text(robot, "listenPort-problem")).isEqualTo("the listening port must be 1 to 65535, or 0 for any free port, got 70000");
        assertThat(text(robot, "gpuSharePercent-problem")).isEqualTo("'half' is not a number");
        assertThat(text(robot, "schedule-problem")).contains("'Mon 18:00'").contains("HH:MM-HH:MM");
        assertThat(text(robot, "settings-status")).isEqualTo("Not saved: 3 values need changing");
        assertThat(store.file()).doesNotExist();

        replace(robot, "listenPort", "7411");
        replace(robot, "gpuSharePercent", "60");
        replace(robot, "modelFile", "/models/stories260K.gguf");
        replace(robot, "schedule", "Mon-Fri 18:00-23:30; Sat,Sun 00:00-24:00");
        robot.clickOn("#save-settings");
        assertThat(text(robot, "listenPort-problem")).isEmpty();
        assertThat(text(robot, "settings-status")).isEqualTo("Saved to " + store.file() + ". " + SettingsForm.APPLIED_AT_START);
        assertThat(store.load().settings().listenPort()).isEqualTo(7411);
        assertThat(store.load().settings().schedule()).hasSize(7);

        // A restart: a new form reads the file.
        robot.interact(() -> stage.setScene(new Scene(new SettingsForm(new SettingsStore(folder)), 900, 760)));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#listenPort").queryAs(TextField.class).getText()).isEqualTo("7411");
        assertThat(robot.lookup("#gpuSharePercent").queryAs(TextField.class).getText()).isEqualTo("60");
        assertThat(robot.lookup("#modelFile").queryAs(TextField.class).getText()).isEqualTo("/models/stories260K.gguf");
        assertThat(robot.lookup("#schedule").queryAs(TextField.class).getText()).isEqualTo("Mon-Fri 18:00-23:30; Sat,Sun 00:00-24:00");
    }
}
