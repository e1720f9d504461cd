package org.farnode.ui.shell;

import java.awt.AWTException;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.util.Optional;
import javafx.application.Platform;
import org.farnode.app.desktop.NodeControl;

/**
 * The system tray icon: pause, resume, snooze for an hour, open the dashboard, quit; green while
 * serving, amber while paused or snoozed. Many Linux desktops have no tray: then {@link #install}
 * says why and the app keeps working with its window.
 */
final class TrayControl {
    private static final AppIconArtwork SERVING = new AppIconArtwork(new Color(0x2da44e));
    private static final AppIconArtwork NOT_SERVING = new AppIconArtwork(new Color(0xd4a72c));

    private final TrayIcon icon;
    private final NodeControl control;

    private TrayControl(TrayIcon icon, NodeControl control) {
        this.icon = icon;
        this.control = control;
    }

    /** The result of trying: the tray, or why there is none. */
    record Outcome(Optional<TrayControl> tray, String message) {
    }

    static Outcome install(NodeControl control, Runnable openDashboard, Runnable quit) {
        try {
            if (!SystemTray.isSupported()) {
                return new Outcome(Optional.empty(), "this desktop has no system tray: FAR Node keeps working with its window "
                        + "(closing the window quits)");
            }
            PopupMenu menu = new PopupMenu();
            menu.add(item("Pause", control::pause));
            menu.add(item("Resume", control::resume));
            menu.add(item("Snooze for 1 hour", () -> control.snooze(StatusBar.SNOOZE)));
            menu.addSeparator();
            menu.add(item("Open dashboard", () -> Platform.runLater(openDashboard)));
            menu.add(item("Quit", () -> Platform.runLater(quit)));
            TrayIcon icon = new TrayIcon(image(true), "FAR Node: serving", menu);
            icon.setImageAutoSize(true);
            icon.addActionListener(event -> Platform.runLater(openDashboard));
            SystemTray.getSystemTray().add(icon);
            TrayControl tray = new TrayControl(icon, control);
            control.addListener(state -> tray.show(state));
            tray.show(control.state());
            return new Outcome(Optional.of(tray), "the tray icon controls the node; closing the window keeps it running there");
        } catch (AWTException | RuntimeException | LinkageError e) {
            return new Outcome(Optional.empty(), "the system tray cannot be used (" + e.getMessage() + "): FAR Node keeps working "
                    + "with its window (closing the window quits)");
        }
    }

    private static MenuItem item(String label, Runnable action) {
        MenuItem item = new MenuItem(label);
        item.addActionListener(event -> action.run());
        return item;
    }

    private void show(NodeControl.State state) {
        icon.setImage(image(state == NodeControl.State.SERVING));
        icon.setToolTip("FAR Node: " + switch (state) {
            case SERVING -> "serving";
            case PAUSED -> "paused";
            case SNOOZED -> "snoozed until " + control.snoozedUntil();
            case HELD -> "not serving: " + control.holdReason();
        });
    }

    /**
     * The app icon, green while serving, amber while not, drawn at the tray's own icon size: a
     * 16 px tray gets the mark simplified for 16 px rather than a larger icon shrunk into a blur.
     */
    private static BufferedImage image(boolean serving) {
        Dimension tray = SystemTray.getSystemTray().getTrayIconSize();
        int size = Math.clamp(Math.min(tray.width, tray.height), AppIconArtwork.MIN_SIZE, AppIconArtwork.MAX_SIZE);
        return (serving ? SERVING : NOT_SERVING).render(size);
    }

    void remove() {
        SystemTray.getSystemTray().remove(icon);
    }
}
