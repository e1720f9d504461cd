package org.farnode.ui.shell;

import atlantafx.base.theme.Styles;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.VBox;

/** Shown while the node starts: each step as it happens (hashing a large model and a GPU upload take a while). */
final class StartingView extends VBox {
    private final Label step = new Label("Starting...");

    StartingView() {
        super(16);
        setAlignment(Pos.CENTER);
        setPadding(new Insets(40));
        setId("starting");
        Label title = new Label("Starting FAR Node");
        title.getStyleClass().add(Styles.TITLE_3);
        step.setId("starting-step");
        getChildren().addAll(title, new ProgressIndicator(), step);
    }

    void step(String text) {
        step.setText(text);
    }
}
