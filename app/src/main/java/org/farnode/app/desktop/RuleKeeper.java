package org.farnode.app.desktop;

import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.farnode.app.node.NodeService;

/**
 * Applies the {@link ServingRules} every few seconds: holds the node while any rule says no, with
 * the reasons, and lets it serve again when none does.
 */
final class RuleKeeper implements AutoCloseable {
    static final long PERIOD_SECONDS = 5;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "serving-rules");
        thread.setDaemon(true);
        return thread;
    });

    RuleKeeper(ServingRules rules, NodeService node, NodeControl control, ActivityLog log) {
        ComputerIdleness idleness = ComputerIdleness.ofThisComputer();
        timer.scheduleWithFixedDelay(() -> {
            try {
                List<String> reasons = rules.check(LocalDateTime.now(),
                        node.traffic().bytesReceived() + node.traffic().bytesSent(), idleness.othersCpuLoad());
                control.hold(reasons.isEmpty() ? null : String.join("; ", reasons));
            } catch (RuntimeException e) {
                log.add("error", "the serving rules could not be checked: " + e);
            }
        }, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
