package org.farnode.ui.shell;

import java.util.function.Function;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import org.farnode.app.desktop.DesktopNode;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.settings.SettingsStore;
import org.farnode.ui.dashboard.DashboardFeed;
import org.farnode.ui.dashboard.DashboardView;
import org.farnode.ui.settings.SettingsForm;
import org.farnode.ui.tryit.TryItView;

/** The app's window once the node runs: the status bar above, and the dashboard, Try it and Settings as tabs. */
public final class MainWindow extends BorderPane {
    private final DashboardFeed feed;
    private final TryItView tryIt;
    private final TabPane tabs = new TabPane();

    /** {@code applySettings} takes each saved settings to the running app and says what it applied. */
    public MainWindow(DesktopNode node, SettingsStore settings, Function<OperatorSettings, String> applySettings) {
        DashboardView dashboard = new DashboardView(node);
        tryIt = new TryItView(node.swarm());
        ScrollPane form = new ScrollPane(new SettingsForm(settings, applySettings));
        form.setFitToWidth(true);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().addAll(tab("Dashboard", "tab-dashboard", dashboard), tab("Try it", "tab-try-it", tryIt),
                tab("Settings", "tab-settings", form));
        tabs.setId("main-tabs");
        setTop(new StatusBar(node));
        setCenter(tabs);
        feed = new DashboardFeed(node, dashboard::show);
    }

    private static Tab tab(String title, String id, javafx.scene.Node content) {
        Tab tab = new Tab(title, content);
        tab.setId(id);
        return tab;
    }

    /** Shows the tab titled {@code title}. */
    public void select(String title) {
        tabs.getTabs().stream().filter(t -> t.getText().equals(title)).findFirst().ifPresent(t -> tabs.getSelectionModel().select(t));
    }

    /** Stops the window's background work (the dashboard's sampling, a running Try it). */
    public void shutdown() {
        feed.close();
        tryIt.shutdown();
    }
}
