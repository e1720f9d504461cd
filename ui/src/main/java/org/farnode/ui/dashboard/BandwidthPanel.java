package org.farnode.ui.dashboard;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.VBox;
import java.util.List;
import java.util.function.Function;
import org.farnode.app.desktop.DashboardSnapshot;
import org.farnode.app.desktop.DashboardSnapshot.ConnectionRow;
import org.farnode.app.desktop.DashboardSnapshot.PeerRow;

/** Traffic: up and down now and over time, bytes per token, the codec's saving, and a row per peer. */
final class BandwidthPanel extends Section {
    private final Label up;
    private final Label down;
    private final Label perToken;
    private final Label ratio;
    private final RollingChart chart = new RollingChart("KiB/s", "up", "down");
    private final TableView<PeerRow> peers = new TableView<>();
    private final TableView<ConnectionRow> connections = new TableView<>();

    BandwidthPanel() {
        super("Bandwidth");
        up = figure("Up", "bandwidth-up");
        down = figure("Down", "bandwidth-down");
        perToken = figure("Bytes per token", "bytes-per-token");
        ratio = figure("Versus fp32", "codec-ratio");
        chart.setId("bandwidth-chart");
        peers.setId("peer-table");
        peers.getColumns().addAll(List.of(
                column("node id", row -> row.nodeId().substring(0, 12) + (row.thisNode() ? " (this node)" : "")),
                column("address", PeerRow::address),
                column("layers", PeerRow::layers),
                column("latency", row -> Figures.latency(row.latency())),
                column("bytes to it", row -> Figures.bytes(row.bytesReceived())),
                column("bytes from it", row -> Figures.bytes(row.bytesSent()))));
        connections.setId("connection-table");
        connections.getColumns().addAll(List.of(
                column("gateway address", ConnectionRow::address),
                column("TLS", ConnectionRow::tls),
                column("sessions", row -> String.valueOf(row.sessions())),
                column("bytes in", row -> Figures.bytes(row.bytesReceived())),
                column("bytes out", row -> Figures.bytes(row.bytesSent()))));
        for (TableView<?> table : List.of(peers, connections)) {
            table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
            table.getStyleClass().add(atlantafx.base.theme.Styles.DENSE);
            table.setPrefHeight(170);
            table.setMinHeight(170);
        }
        below(chart);
        below(new VBox(4, new Label("Nodes of the swarm (latency: a ping's round trip from this machine)"), peers));
        below(new VBox(4, new Label("Gateways connected to this node (the latency probe of this dashboard is one of them)"), connections));
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setSortable(false);
        return column;
    }

    void show(DashboardSnapshot snapshot, long secondsSinceStart) {
        var rates = snapshot.rates();
        up.setText(Figures.rate(rates.sentBytesPerSecond()));
        down.setText(Figures.rate(rates.receivedBytesPerSecond()));
        perToken.setText(Double.isNaN(rates.bytesPerToken()) ? "— (no tokens this second)" : Figures.bytes(rates.bytesPerToken()));
        ratio.setText(Double.isNaN(rates.fp32Ratio()) ? "— (no tokens this second)"
                : Figures.number(rates.fp32Ratio(), 2) + "× smaller than fp32 hidden states (frames included)");
        chart.add(secondsSinceStart, rates.sentBytesPerSecond() / 1024, rates.receivedBytesPerSecond() / 1024);
        peers.getItems().setAll(snapshot.peers());
        connections.getItems().setAll(snapshot.connections());
    }
}
