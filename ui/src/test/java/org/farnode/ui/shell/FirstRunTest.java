package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javafx.scene.control.TextField;
import org.farnode.app.settings.SettingsStore;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** A first start with no model: the app asks for a GGUF file, refuses what is not one, and starts the swarm with one. */
class FirstRunTest extends RunningAppTest {
    @Override
    Optional<Path> model() {
        return Optional.empty();
    }

    private static void choose(FxRobot robot, String path) {
        robot.interact(() -> robot.lookup("#model-path").queryAs(TextField.class).setText(path));
        robot.clickOn("#start-node");
    }

    @Test
    void asksForAGgufFileAndStartsTheSwarmWithIt(FxRobot robot) throws Exception {
        assertThat(robot.lookup("#first-run").tryQuery()).isPresent();

        choose(robot, dataFolder.resolve("missing.gguf").toString());
        assertThat(RunningApp.text(robot, "model-problem")).contains("does not exist");

        Path notGguf = Files.writeString(dataFolder.resolve("notes.gguf"), "not a model");
        choose(robot, notGguf.toString());
        assertThat(RunningApp.text(robot, "model-problem")).contains("is not a GGUF file");

        choose(robot, Stories260K.gguf().toString());
        RunningApp.awaitNode(shell);
        RunningApp.waitFor(Duration.ofSeconds(5), "the dashboard shown", () -> robot.lookup("#dashboard").tryQuery().isPresent());
        assertThat(new SettingsStore(dataFolder).load().settings().modelFile())
                .as("the choice is kept for the next start").isEqualTo(Stories260K.gguf().toAbsolutePath().toString());
        RunningApp.waitFor(Duration.ofSeconds(30), "real figures at once", () -> RunningApp.number(robot, "total-tokens") > 0);
    }
}
