package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.EventQueue;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.Toolkit;
import java.awt.TrayIcon;
import java.awt.event.ActionEvent;
import java.time.Duration;
import java.util.List;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.desktop.NodeControl;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.node.NodeService;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerException;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The tray on a real X display: without a tray the app says so; with one (trayer, a small system
 * tray, started on the same display) its menu pauses a real node within a second, resumes and
 * snoozes it, and the icon's tooltip follows. Menu items are clicked by posting the action event
 * a click posts to AWT's event queue.
 */
class TrayControlTest {
    @Test
    void theTrayMenuPausesTheNodeWithinASecondAndResumesIt() throws Exception {
        boolean trayBefore = SystemTray.isSupported();
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            PeerAddress peer = nodes.start(new LayerRange(0, 5));
            NodeService service = nodes.server(0).service();
            try (NodeControl control = new NodeControl(service)) {
                if (!trayBefore) {
                    TrayControl.Outcome none = TrayControl.install(control, () -> { }, () -> { });
                    assertThat(none.tray()).isEmpty();
                    assertThat(none.message()).contains("no system tray").contains("keeps working with its window");
                }
                Process trayer = startTrayer();
                try {
                    awaitTray();
                    TrayControl.Outcome outcome = TrayControl.install(control, () -> { }, () -> { });
                    assertThat(outcome.tray()).as(outcome.message()).isPresent();
                    TrayIcon icon = SystemTray.getSystemTray().getTrayIcons()[0];
                    assertThat(icon.getToolTip()).isEqualTo("FAR Node: serving");
                    GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
                    try (PeerRoute route = PeerRoute.open(List.of(peer), nodes.modelId(), 5, new Fp32Codec(), Duration.ofSeconds(30))) {
                        var stage = route.stages().getFirst();
                        var window = gateway.embed(new int[] {1});

                        long clicked = System.nanoTime();
                        click(icon.getPopupMenu(), "Pause");
                        awaitPaused(service, true);
                        assertThatThrownBy(() -> stage.forward(0, window))
                                .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NODE_PAUSED));
                        assertThat(Duration.ofNanos(System.nanoTime() - clicked)).as("refused within a second of the click")
                                .isLessThan(Duration.ofSeconds(1));
                        assertThat(icon.getToolTip()).isEqualTo("FAR Node: paused");

                        click(icon.getPopupMenu(), "Resume");
                        awaitPaused(service, false);
                        assertThat(stage.forward(0, window).positions()).isEqualTo(1);
                        assertThat(icon.getToolTip()).isEqualTo("FAR Node: serving");

                        click(icon.getPopupMenu(), "Snooze for 1 hour");
                        awaitPaused(service, true);
                        assertThat(control.state()).isEqualTo(NodeControl.State.SNOOZED);
                        assertThat(icon.getToolTip()).startsWith("FAR Node: snoozed until ");
                    }
                    outcome.tray().get().remove();
                } finally {
                    trayer.destroy();
                }
            }
        }
    }

    private static Process startTrayer() throws Exception {
        try {
            return new ProcessBuilder("trayer").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            String message = "trayer (a system tray for X) is not installed: apt-get install trayer";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true requires it", e);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
            return null;
        }
    }

    private static void awaitTray() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!SystemTray.isSupported() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(SystemTray.isSupported()).as("a system tray on the display after starting trayer").isTrue();
    }

    /** Does what clicking the item does: its action event, through AWT's event queue. */
    private static void click(PopupMenu menu, String label) throws Exception {
        for (int i = 0; i < menu.getItemCount(); i++) {
            MenuItem item = menu.getItem(i);
            if (item.getLabel().equals(label)) {
                Toolkit.getDefaultToolkit().getSystemEventQueue()
                        .postEvent(new ActionEvent(item, ActionEvent.ACTION_PERFORMED, item.getActionCommand()));
                EventQueue.invokeAndWait(() -> { }); // the event before this one has been dispatched
                return;
            }
        }
        throw new AssertionError("the tray menu has no item '" + label + "'");
    }

    private static void awaitPaused(NodeService service, boolean paused) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (service.isPaused() != paused && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(service.isPaused()).isEqualTo(paused);
    }
}
