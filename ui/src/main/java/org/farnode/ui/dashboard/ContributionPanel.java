package org.farnode.ui.dashboard;

import javafx.scene.control.Label;
import org.farnode.app.desktop.DashboardSnapshot;
import org.farnode.app.desktop.DesktopNode;

/** What this node gives: the model and layers, sessions, tokens per second now and over time, tokens served, GFLOP/s. */
final class ContributionPanel extends Section {
    private final Label sessions;
    private final Label tokensPerSecond;
    private final Label totalTokens;
    private final Label gflops;
    private final RollingChart chart = new RollingChart("tokens/s", "tokens/s through this node");

    ContributionPanel(DesktopNode node) {
        super("Contribution");
        var swarm = node.swarm();
        figure("Model", "model-name").setText(swarm.model().path().getFileName() + " (" + swarm.model().config().blockCount()
                + " layers, id " + swarm.modelId().shortHex() + ")");
        figure("Layers served", "layers-served").setText(swarm.layout().thisNode().toString());
        sessions = figure("Active sessions", "active-sessions");
        tokensPerSecond = figure("Tokens/s now", "tokens-per-second");
        totalTokens = figure("Tokens served", "total-tokens");
        gflops = figure("Compute", "gflops");
        chart.setId("tokens-chart");
        below(chart);
    }

    void show(DashboardSnapshot snapshot, long secondsSinceStart) {
        sessions.setText(String.valueOf(snapshot.sessions()));
        tokensPerSecond.setText(Figures.number(snapshot.rates().tokensPerSecond(), 1));
        totalTokens.setText(Figures.number(snapshot.totalTokens(), 0));
        gflops.setText(Figures.number(snapshot.rates().gflopsPerSecond(), 3) + " GFLOP/s (weight products)");
        chart.add(secondsSinceStart, snapshot.rates().tokensPerSecond());
    }
}
