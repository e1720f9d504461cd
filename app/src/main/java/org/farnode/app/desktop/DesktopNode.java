package org.farnode.app.desktop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.settings.SettingsValidation;
import org.farnode.backend.vulkan.DeviceDiscovery;

/**
 * What the desktop app runs: the embedded swarm with this node in it, the operator's pause
 * switch, the local gateway's traffic, the activity log and the GPU's status. The window and the
 * tray only show and steer this; none of it needs a display.
 */
public final class DesktopNode implements AutoCloseable {
    private final EmbeddedSwarm swarm;
    private final NodeControl control;
    private final ActivityLog log;
    private final GpuStatus gpu;
    private LocalLoad load;
    private RuleKeeper rules;
    private final Optional<PrivacyFigure> privacy;
    /** The codec of the local gateway's traffic: the one whose exposure the privacy figure describes. */
    public static final String TRAFFIC_CODEC = LocalLoad.CODEC;

    private DesktopNode(EmbeddedSwarm swarm, NodeControl control, ActivityLog log, GpuStatus gpu) {
        this.swarm = swarm;
        this.control = control;
        this.log = log;
        this.gpu = gpu;
        this.privacy = PrivacyFigure.find(swarm.modelId(), swarm.model().path(), auditFolders(),
                swarm.layout().thisNode().start(), TRAFFIC_CODEC);
    }

    /** Folders of privacy audits: the far-node launcher names the repository's assets/privacy. */
    private static List<Path> auditFolders() {
        String folder = System.getProperty("far.privacy.audits");
        return folder == null || folder.isBlank() ? List.of() : List.of(Path.of(folder));
    }

    /** What an operator at this node's position could recover, where an audit of this model measured it. */
    public Optional<PrivacyFigure> privacy() {
        return privacy;
    }

    /** Settings that take effect while the node runs; the rest ({@link #AT_NEXT_START}) when the app starts again. */
    public static final String APPLIED_LIVE = "GPU share, upload and download caps, daily data cap, idle-only, schedule, "
            + "start on login, close to tray";
    public static final String AT_NEXT_START = "device, backend, VRAM cap, listening port, bootstrap peers, model file, layers";

    /**
     * Applies the settings that can change while the node runs: the GPU share, the rate caps, the
     * serving rules (schedule, idle-only, daily data cap). Start on login and close to tray are the
     * app's to apply.
     */
    public synchronized void apply(OperatorSettings settings) {
        requireValid(settings);
        swarm.thisNode().service().setComputeShare(settings.gpuSharePercent());
        swarm.thisNode().server().setRateLimits(megabitsToBytes(settings.uploadCapMbit()),
                megabitsToBytes(settings.downloadCapMbit()));
        if (rules != null) {
            rules.close();
        }
        rules = new RuleKeeper(new ServingRules(settings), swarm.thisNode().service(), control, log);
    }

    /** @throws IllegalArgumentException naming every wrong setting with what is allowed */
    private static void requireValid(OperatorSettings settings) {
        var problems = SettingsValidation.problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the settings cannot be used: " + String.join("; ",
                    problems.stream().map(p -> p.field() + ": " + p.message()).toList()));
        }
    }

    private static long megabitsToBytes(double megabitsPerSecond) {
        return Math.round(megabitsPerSecond * 1_000_000 / 8);
    }

    /**
     * Checks {@code settings}, then starts the swarm (identity kept in {@code dataFolder}), telling
     * {@code progress} each step.
     *
     * @throws IllegalArgumentException a setting is wrong (every wrong one, with what is allowed)
     */
    public static DesktopNode start(OperatorSettings settings, Path dataFolder, ActivityLog log, Consumer<String> progress)
            throws IOException, InterruptedException {
        requireValid(settings);
        if (!settings.bootstrapPeers().isEmpty()) {
            log.add("network", "joining a network through bootstrap peers is not available in this version; "
                    + "this node serves the local swarm only");
        }
        progress.accept("Looking for GPUs...");
        var devices = DeviceDiscovery.discover();
        EmbeddedSwarm swarm = EmbeddedSwarm.start(settings, dataFolder.resolve("identity"), progress);
        NodeControl control = new NodeControl(swarm.thisNode().service());
        GpuStatus gpu = GpuStatus.of(devices, swarm.nodeBackend(), settings.backend(), swarm.backendNotice());
        swarm.backendNotice().ifPresent(notice -> log.add("gpu", notice));
        for (EmbeddedSwarm.SwarmMember member : swarm.members()) {
            String who = member.thisNode() ? "" : "local peer " + member.address().nodeId().substring(0, 12) + ": ";
            member.service().addEventListener(event -> {
                // Sessions come and go with every generation: the sessions figure shows them; the log keeps what is notable.
                boolean notable = switch (event.kind()) {
                    case PEER_CONNECTED, PEER_DISCONNECTED, CONNECTION_REFUSED, SESSION_EXPIRED, SESSION_EVICTED, LEAVING
                            -> member.thisNode();
                    // A paused node refuses every window; the pause itself is logged once, not each refusal.
                    case ERROR -> !event.message().contains("NODE_PAUSED");
                    case SESSION_OPENED, SESSION_CLOSED, PAUSED, RESUMED -> false;
                };
                if (notable) {
                    log.add(new ActivityLog.Entry(event.time(), kindWord(event.kind()), who + event.message()));
                }
            });
        }
        control.addListener(state -> log.add("pause", switch (state) {
            case SERVING -> "serving again";
            case PAUSED -> "paused by the operator: windows are refused";
            case SNOOZED -> "snoozed until " + control.snoozedUntil() + ": windows are refused until then";
            case HELD -> "not serving: " + control.holdReason();
        }));
        log.add("node", "node " + swarm.thisNode().address().nodeId().substring(0, 12) + " serves layers "
                + swarm.layout().thisNode() + " of " + swarm.model().path().getFileName() + " on " + swarm.thisNode().address().describe());
        DesktopNode node = new DesktopNode(swarm, control, log, gpu);
        node.apply(settings);
        return node;
    }

    private static String kindWord(org.farnode.app.node.NodeEvent.Kind kind) {
        return switch (kind) {
            case PEER_CONNECTED, PEER_DISCONNECTED, CONNECTION_REFUSED -> "peer";
            case ERROR -> "error";
            case LEAVING -> "node";
            default -> "session";
        };
    }

    /** Starts the local gateway's stories (see {@link LocalLoad}); does nothing when they already run. */
    public synchronized void startLocalLoad() {
        if (load == null) {
            load = LocalLoad.start(swarm, log);
            log.add("load", "the local gateway generates stories through the swarm");
        }
    }

    /** Stops the local gateway's stories. */
    public synchronized void stopLocalLoad() throws InterruptedException {
        if (load != null) {
            load.close();
            load = null;
            log.add("load", "the local gateway stopped");
        }
    }

    public synchronized boolean localLoadRunning() {
        return load != null;
    }

    public EmbeddedSwarm swarm() {
        return swarm;
    }

    public NodeControl control() {
        return control;
    }

    public ActivityLog log() {
        return log;
    }

    public GpuStatus gpu() {
        return gpu;
    }

    /** The swarm's nodes as the dashboard lists them. */
    public List<EmbeddedSwarm.SwarmMember> members() {
        return swarm.members();
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (rules != null) {
                rules.close();
            }
        }
        stopLocalLoad();
        control.close();
        swarm.close();
    }
}
