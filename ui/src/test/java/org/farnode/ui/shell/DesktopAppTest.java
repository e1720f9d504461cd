package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.desktop.DesktopNode;
import org.farnode.app.desktop.NodeControl;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.peer.PeerException;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The desktop app on a real display (Xvfb in CI) with a real embedded swarm serving stories260K:
 * the dashboard's figures move with the swarm's work, the window's pause stops the node taking
 * windows within a second, and Try it streams the reference greedy text.
 */
class DesktopAppTest extends RunningAppTest {

    @Test
    void dashboardFollowsTheSwarmsWork(FxRobot robot) throws Exception {
        DesktopNode node = RunningApp.awaitNode(shell);
        RunningApp.waitFor(Duration.ofSeconds(30), "tokens served shows work",
                () -> RunningApp.number(robot, "total-tokens") > 0);
        long first = RunningApp.number(robot, "total-tokens");
        RunningApp.waitFor(Duration.ofSeconds(10), "tokens served grows",
                () -> RunningApp.number(robot, "total-tokens") > first);
        long shown = RunningApp.number(robot, "total-tokens");
        assertThat(node.swarm().thisNode().service().traffic().positions()).as("the node's own count")
                .isGreaterThanOrEqualTo(shown);
        RunningApp.waitFor(Duration.ofSeconds(10), "tokens/s above 0",
                () -> RunningApp.text(robot, "tokens-per-second").matches("[0-9,.]+")
                        && Double.parseDouble(RunningApp.text(robot, "tokens-per-second").replace(",", "")) > 0);
        assertThat(RunningApp.text(robot, "bandwidth-up")).endsWith("/s");
        assertThat(RunningApp.text(robot, "layers-served")).isEqualTo(node.swarm().layout().thisNode().toString());

        TableView<?> peers = robot.lookup("#peer-table").queryAs(TableView.class);
        RunningApp.waitFor(Duration.ofSeconds(10), "a row per swarm node", () -> peers.getItems().size() == 3);
        assertThat(peers.getItems().toString()).contains("latency=Optional[PT");
        TableView<?> connections = robot.lookup("#connection-table").queryAs(TableView.class);
        RunningApp.waitFor(Duration.ofSeconds(10), "the gateways connected here", () -> !connections.getItems().isEmpty());
        assertThat(RunningApp.text(robot, "privacy-tls")).contains("TLSv1.3");
        assertThat(RunningApp.text(robot, "privacy-recovery")).as("the audit's figure for boundary 0 in fp16")
                .startsWith("an operator at this position could recover about 100% of prompt tokens");
    }

    @Test
    void pauseInTheWindowRefusesWindowsWithinASecondAndResumeServesAgain(FxRobot robot) throws Exception {
        DesktopNode node = RunningApp.awaitNode(shell);
        try (PeerRoute route = node.swarm().openRoute(HiddenStateCodecs.byName("fp32"))) {
            RemoteShardStage thisNode = route.stages().stream()
                    .filter(stage -> stage.peer().address().equals(node.swarm().thisNode().address())).findFirst().orElseThrow();
            var window = node.swarm().gateway().embed(new int[] {1});

            robot.clickOn("#pause-button");
            long clicked = System.nanoTime();
            RunningApp.waitFor(Duration.ofSeconds(1), "the node paused", () -> node.swarm().thisNode().service().isPaused());
            assertThatThrownBy(() -> thisNode.forward(0, window))
                    .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NODE_PAUSED));
            assertThat(Duration.ofNanos(System.nanoTime() - clicked)).as("refused within a second of the click")
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(node.control().state()).isEqualTo(NodeControl.State.PAUSED);
            RunningApp.waitFor(Duration.ofSeconds(5), "the window says so",
                    () -> RunningApp.text(robot, "node-state").startsWith("❚❚ Paused"));
            long whilePaused = node.swarm().thisNode().service().traffic().positions();
            Thread.sleep(1500);
            assertThat(node.swarm().thisNode().service().traffic().positions()).as("no work while paused").isEqualTo(whilePaused);

            robot.clickOn("#resume-button");
            RunningApp.waitFor(Duration.ofSeconds(1), "serving again", () -> !node.swarm().thisNode().service().isPaused());
            assertThat(thisNode.forward(0, window).positions()).isEqualTo(1);
            RunningApp.waitFor(Duration.ofSeconds(20), "the local gateway's stories go on",
                    () -> node.swarm().thisNode().service().traffic().positions() > whilePaused + 1);
            assertThat(RunningApp.text(robot, "node-state")).startsWith("● Serving");
        }
    }

    @Test
    void tryItStreamsTheReferenceGreedyText(FxRobot robot) throws Exception {
        RunningApp.awaitNode(shell);
        RunningApp.selectTab(robot, shell, "Try it");
        assertThat(RunningApp.text(robot, "try-mode")).isEqualTo("completion: this model has no chat template");
        robot.interact(() -> {
            robot.lookup("#try-prompt").queryAs(TextField.class).setText("");
            robot.lookup("#try-max-tokens").queryAs(TextField.class).setText("256");
        });
        robot.clickOn("#try-run");
        RunningApp.waitFor(Duration.ofSeconds(120), "the generation to end",
                () -> RunningApp.text(robot, "try-summary").contains("tokens per round trip"));
        String text = robot.lookup("#try-output").queryAs(TextArea.class).getText();
        assertThat(text.strip()).isEqualTo(Stories260K.greedyText256().strip());
        assertThat(RunningApp.text(robot, "try-summary")).startsWith("256 tokens");
        TableView<?> hops = robot.lookup("#try-hops").queryAs(TableView.class);
        assertThat(hops.getItems()).hasSize(3);
        List<String> rows = hops.getItems().stream().map(Object::toString).toList();
        assertThat(rows).allSatisfy(row -> assertThat(row).doesNotContain("bytesSent=0,"));
    }
}
