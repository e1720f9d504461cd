package org.farnode.ui.dashboard;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.application.Platform;
import javafx.scene.control.ListView;
import org.farnode.app.desktop.ActivityLog;

/** Notable events, newest at the bottom: peers coming and going, pauses, errors with their cause. */
final class LogPanel extends Section {
    private static final int SHOWN = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private final ListView<String> lines = new ListView<>();

    LogPanel(ActivityLog log) {
        super("Log");
        lines.setId("log-list");
        lines.getStyleClass().add(atlantafx.base.theme.Styles.DENSE);
        lines.setPrefHeight(220);
        log.entries().forEach(entry -> lines.getItems().add(format(entry)));
        // Entries arrive on node and network threads; the list is touched on the FX thread only.
        log.addListener(entry -> Platform.runLater(() -> {
            lines.getItems().add(format(entry));
            if (lines.getItems().size() > SHOWN) {
                lines.getItems().remove(0, lines.getItems().size() - SHOWN);
            }
            lines.scrollTo(lines.getItems().size() - 1);
        }));
        below(lines);
    }

    private static String format(ActivityLog.Entry entry) {
        return TIME.format(entry.time()) + "  " + entry.kind() + "  " + entry.message();
    }
}
