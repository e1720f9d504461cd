package org.farnode.ui.dashboard;

import atlantafx.base.theme.Styles;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** A titled block of the dashboard, with a two-column grid of named figures and room for more below. */
class Section extends VBox {
    private final GridPane figures = new GridPane();
    private int rows;

    Section(String title) {
        super(8);
        getStyleClass().add("dashboard-section");
        Label heading = new Label(title);
        heading.getStyleClass().add(Styles.TITLE_4);
        figures.setHgap(16);
        figures.setVgap(4);
        // Names keep their width; values wrap in what is left.
        javafx.scene.layout.ColumnConstraints names = new javafx.scene.layout.ColumnConstraints();
        names.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        javafx.scene.layout.ColumnConstraints values = new javafx.scene.layout.ColumnConstraints();
        values.setHgrow(javafx.scene.layout.Priority.ALWAYS);
        figures.getColumnConstraints().addAll(names, values);
        getChildren().addAll(heading, figures);
    }

    /** Adds a named figure; returns the label that shows its value, with {@code id} for tests and screenshots. */
    Label figure(String name, String id) {
        Label label = new Label(name);
        label.getStyleClass().add(Styles.TEXT_MUTED);
        Label value = new Label("—");
        value.setId(id);
        value.setWrapText(true);
        figures.addRow(rows++, label, value);
        return value;
    }

    void below(Node node) {
        getChildren().add(node);
    }
}
