package org.farnode.ui.shell;

import atlantafx.base.theme.Styles;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.farnode.app.desktop.DesktopNode;
import org.farnode.app.desktop.NodeControl;

/**
 * The window's top bar: what the node is doing, and the same pause, resume and snooze the tray
 * offers, plus the switch for the local gateway's stories.
 */
final class StatusBar extends HBox {
    static final Duration SNOOZE = Duration.ofHours(1);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final DesktopNode node;
    private final Label state = new Label();
    private final Button pause = new Button("Pause");
    private final Button resume = new Button("Resume");
    private final Button snooze = new Button("Snooze 1 hour");

    StatusBar(DesktopNode node) {
        super(10);
        this.node = node;
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(10, 16, 10, 16));
        getStyleClass().add("status-bar");
        Label title = new Label("FAR Node");
        title.getStyleClass().add(Styles.TITLE_3);
        state.setId("node-state");
        pause.setId("pause-button");
        resume.setId("resume-button");
        snooze.setId("snooze-button");
        pause.setOnAction(event -> node.control().pause());
        resume.setOnAction(event -> node.control().resume());
        snooze.setOnAction(event -> node.control().snooze(SNOOZE));
        CheckBox load = new CheckBox("Local test traffic");
        load.setId("local-load");
        load.setSelected(node.localLoadRunning());
        load.setOnAction(event -> toggleLoad(load.isSelected()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        getChildren().addAll(title, state, gap, load, pause, snooze, resume);
        node.control().addListener(changed -> Platform.runLater(this::showState));
        showState();
    }

    private void toggleLoad(boolean on) {
        // Stopping waits for the story in progress to end its window: off the FX thread.
        Thread.ofVirtual().name("local-load-switch").start(() -> {
            try {
                if (on) {
                    node.startLocalLoad();
                } else {
                    node.stopLocalLoad();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void showState() {
        NodeControl.State now = node.control().state();
        state.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING);
        state.getStyleClass().add(now == NodeControl.State.SERVING ? Styles.SUCCESS : Styles.WARNING);
        state.setText(switch (now) {
            case SERVING -> "● Serving layers " + node.swarm().layout().thisNode();
            case PAUSED -> "❚❚ Paused: windows are refused";
            case SNOOZED -> "❚❚ Snoozed until " + CLOCK.format(node.control().snoozedUntil());
            case HELD -> "◷ Not serving: " + node.control().holdReason();
        });
        boolean operatorPaused = now == NodeControl.State.PAUSED || now == NodeControl.State.SNOOZED;
        pause.setDisable(operatorPaused);
        snooze.setDisable(operatorPaused);
        resume.setDisable(!operatorPaused);
    }
}
