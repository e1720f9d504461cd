package org.farnode.ui.dashboard;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.application.Platform;
import org.farnode.app.desktop.DashboardSampler;
import org.farnode.app.desktop.DashboardSnapshot;
import org.farnode.app.desktop.DesktopNode;

/**
 * Samples the node once a second on a background thread and hands each reading to the FX thread.
 * A reading is dropped rather than queued when the FX thread has not shown the previous one yet,
 * so a busy display never builds a backlog.
 */
public final class DashboardFeed implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "dashboard-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private final DashboardSampler sampler;
    private final AtomicBoolean showing = new AtomicBoolean();
    private volatile DashboardSnapshot latest;

    public DashboardFeed(DesktopNode node, Consumer<DashboardSnapshot> onFxThread) {
        this.sampler = new DashboardSampler(node);
        timer.scheduleAtFixedRate(() -> {
            DashboardSnapshot snapshot;
            try {
                snapshot = sampler.sample();
            } catch (RuntimeException e) {
                // A failed reading must not end the schedule (an executor drops a task that throws).
                node.log().add("error", "the dashboard could not read the node: " + e);
                return;
            }
            latest = snapshot;
            if (showing.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    try {
                        onFxThread.accept(snapshot);
                    } finally {
                        showing.set(false);
                    }
                });
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** The latest reading (null before the first). */
    public DashboardSnapshot latest() {
        return latest;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sampler.close();
    }
}
