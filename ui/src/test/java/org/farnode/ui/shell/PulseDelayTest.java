package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import org.farnode.app.desktop.DesktopNode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The window stays responsive while the swarm works flat out: the local gateway's stories and a
 * Try it generation at once, the dashboard updating every second. An animation timer records
 * the gap between consecutive FX pulses; node work on the FX thread would show as gaps as long
 * as a generation (seconds).
 */
class PulseDelayTest extends RunningAppTest {
    /** Longest gap allowed between two pulses (60 per second when idle: 17 ms). */
    private static final Duration LONGEST_GAP = Duration.ofMillis(400);
    private static final Duration MEASURED = Duration.ofSeconds(10);


    @Test
    void pulsesKeepComingWhileTheSwarmRunsAtFullSpeed(FxRobot robot) throws Exception {
        DesktopNode node = RunningApp.awaitNode(shell);
        RunningApp.waitFor(Duration.ofSeconds(30), "the local stories running", () -> node.swarm().thisNode().service()
                .traffic().positions() > 0);
        RunningApp.selectTab(robot, shell, "Try it");
        robot.interact(() -> robot.lookup("#try-max-tokens").queryAs(TextField.class).setText("500"));
        Button run = robot.lookup("#try-run").queryAs(Button.class);

        List<Long> gaps = Collections.synchronizedList(new ArrayList<>());
        long[] previous = {0};
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long wall = System.nanoTime(); // the pulse's own timestamp can be its scheduled time, not when it ran
                if (previous[0] != 0) {
                    gaps.add(wall - previous[0]);
                }
                previous[0] = wall;
            }
        };
        long positionsBefore = node.swarm().thisNode().service().traffic().positions();
        robot.interact(timer::start);
        // Started from a later pulse, not through the robot (which waits for the FX thread to be idle), so
        // that a generation run on the FX thread would show inside the measurement as one long gap.
        Platform.runLater(run::fire);
        Thread.sleep(MEASURED.toMillis());
        robot.interact(timer::stop);
        long positionsDuring = node.swarm().thisNode().service().traffic().positions() - positionsBefore;

        List<Long> sorted;
        synchronized (gaps) {
            sorted = gaps.stream().sorted().toList();
        }
        long longest = sorted.getLast();
        long p99 = sorted.get((int) (sorted.size() * 0.99));
        System.out.printf("pulse gaps over %d s with the swarm working (%d positions through this node): %d pulses, "
                        + "median %.1f ms, p99 %.1f ms, longest %.1f ms%n", MEASURED.toSeconds(), positionsDuring, sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6, p99 / 1e6, longest / 1e6);
        assertThat(positionsDuring).as("the swarm worked during the measurement").isGreaterThan(100);
        assertThat(sorted.size()).as("pulses kept coming").isGreaterThan((int) MEASURED.toSeconds() * 10);
        assertThat(Duration.ofNanos(longest)).as("longest gap between pulses").isLessThan(LONGEST_GAP);
    }
}
