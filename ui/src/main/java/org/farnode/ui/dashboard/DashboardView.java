package org.farnode.ui.dashboard;

import javafx.geometry.Insets;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import org.farnode.app.desktop.DashboardSnapshot;
import org.farnode.app.desktop.DesktopNode;

/** The operator's view of the running node: GPU, contribution, bandwidth, privacy and the log, side by side. */
public final class DashboardView extends ScrollPane {
    private final ContributionPanel contribution;
    private final BandwidthPanel bandwidth = new BandwidthPanel();
    private final PrivacyPanel privacy;
    private final long startNanos = System.nanoTime();

    public DashboardView(DesktopNode node) {
        contribution = new ContributionPanel(node);
        privacy = new PrivacyPanel(node);
        GridPane grid = new GridPane();
        grid.setHgap(24);
        grid.setVgap(24);
        grid.setPadding(new Insets(16));
        for (int i = 0; i < 2; i++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setPercentWidth(50);
            column.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(column);
        }
        grid.add(new GpuPanel(node.gpu()), 0, 0);
        grid.add(privacy, 1, 0);
        // The log sits under the contribution, beside the taller bandwidth section, so both are in view.
        grid.add(new javafx.scene.layout.VBox(24, contribution, new LogPanel(node.log())), 0, 1);
        grid.add(bandwidth, 1, 1);
        setContent(grid);
        setFitToWidth(true);
        setId("dashboard");
    }

    /** Shows a new reading; call on the FX thread. */
    public void show(DashboardSnapshot snapshot) {
        long seconds = (System.nanoTime() - startNanos) / 1_000_000_000L;
        contribution.show(snapshot, seconds);
        bandwidth.show(snapshot, seconds);
        privacy.show(snapshot);
    }
}
