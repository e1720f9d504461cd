package org.farnode.app.node;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.farnode.app.codec.CodecPlacement;
import org.farnode.app.model.ModelConfig;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;

/**
 * What a node serves, independent of sockets: a shard of one model, its sessions' KV budget,
 * its traffic counters, and the one compute thread on which every request runs. One thread,
 * because the backend already spreads each matrix product over all cores; requests of all
 * sessions take turns window by window. The operator may {@linkplain #setComputeShare give it only
 * a share} of that thread's time, and {@linkplain #pause pause} it.
 *
 * <p>For an operator's dashboard it reports its {@linkplain #connections connections} and
 * {@linkplain #addEventListener events}; both can be read from any thread without waiting for
 * the compute thread.
 */
public final class NodeService implements AutoCloseable {
    private final AtomicBoolean paused = new AtomicBoolean();
    /** A pause ends a rest at once: the windows waiting behind it are then refused without delay. */
    private final ComputeShare computeShare = new ComputeShare(paused::get);
    private final ShardRunner runner;
    private final ModelId modelId;
    private final String nodeId;
    private final String backend;
    private final NodeSettings settings;
    private final CodecPlacement codecs;
    private final KvBudget kvBudget;
    private final TrafficCounters traffic = new TrafficCounters();
    private final Set<NodeConnection> connections = ConcurrentHashMap.newKeySet();
    private final NodeEvents events = new NodeEvents();
    private final ScheduledExecutorService compute;
    private volatile InjectedFault fault = InjectedFault.none();

    /** A node whose codecs all run on the CPU. */
    public NodeService(ShardRunner runner, ModelId modelId, String nodeId, String backend, NodeSettings settings) {
        this(runner, modelId, nodeId, backend, settings, CodecPlacement.cpu());
    }

    /** A node whose sessions run their codecs where {@code codecs} places them (the SCM ones on the GPU, where there is one). */
    public NodeService(ShardRunner runner, ModelId modelId, String nodeId, String backend, NodeSettings settings,
                       CodecPlacement codecs) {
        this.runner = runner;
        this.codecs = codecs;
        this.modelId = modelId;
        this.nodeId = nodeId;
        this.backend = backend;
        this.settings = settings;
        ModelConfig config = runner.config();
        this.kvBudget = new KvBudget(settings.kvBudgetBytes(), 2L * Float.BYTES * config.kvDimension() * runner.range().size());
        this.compute = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "node-compute");
            thread.setDaemon(true);
            return thread;
        });
        long sweepMillis = Math.max(10, Math.min(5_000, settings.idleTimeout().toMillis() / 4));
        compute.scheduleWithFixedDelay(this::expireIdleSessions, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** A new connection from the gateway at {@code remoteAddress} ({@code host:port}) whose replies go to {@code link}. */
    NodeConnection connect(PeerLink link, String remoteAddress) {
        NodeConnection connection = new NodeConnection(this, link, remoteAddress);
        connections.add(connection);
        events.emit(NodeEvent.Kind.PEER_CONNECTED, remoteAddress + " connected");
        return connection;
    }

    /** Runs {@code work} for {@code connection} on the compute thread, after everything queued before it. */
    void submit(Runnable work) {
        compute.execute(work);
    }

    void disconnect(NodeConnection connection) {
        compute.execute(() -> {
            connection.disconnected();
            connections.remove(connection);
            events.emit(NodeEvent.Kind.PEER_DISCONNECTED, connection.remoteAddress() + " disconnected ("
                    + connection.traffic() + ")");
        });
    }

    private void expireIdleSessions() {
        long cutoff = nanoTime() - settings.idleTimeout().toNanos();
        for (NodeConnection connection : connections) {
            connection.expireIdle(cutoff);
        }
    }

    long nanoTime() {
        return System.nanoTime();
    }

    public ShardRunner runner() {
        return runner;
    }

    public ModelId modelId() {
        return modelId;
    }

    public String nodeId() {
        return nodeId;
    }

    public String backend() {
        return backend;
    }

    public LayerRange layers() {
        return runner.range();
    }

    public NodeSettings settings() {
        return settings;
    }

    /** Where this node's sessions run their codecs. */
    public CodecPlacement codecs() {
        return codecs;
    }

    KvBudget kvBudget() {
        return kvBudget;
    }

    /** Traffic of every session and handshake this node has served. */
    public TrafficCounters traffic() {
        return traffic;
    }

    /** Sessions open on all connections (read on any thread; exact only on the compute thread). */
    public int openSessions() {
        return connections.stream().mapToInt(NodeConnection::openSessions).sum();
    }

    /**
     * Every gateway connected now, with its traffic so far. Safe on any thread and never waits for
     * the compute thread; a connection that has just closed stays listed until the compute thread
     * has wiped its sessions.
     */
    public List<ConnectionStats> connections() {
        return connections.stream().map(NodeConnection::stats).toList();
    }

    /**
     * Tells {@code listener} of every later {@link NodeEvent}, synchronously on the thread where it
     * happens (the compute thread or a network thread): see {@link NodeEventListener} for what that
     * asks of it.
     */
    public void addEventListener(NodeEventListener listener) {
        events.add(listener);
    }

    /** Stops telling {@code listener}; a listener not added is ignored. */
    public void removeEventListener(NodeEventListener listener) {
        events.remove(listener);
    }

    NodeEvents events() {
        return events;
    }

    /**
     * Stops taking windows: from now on a window gets {@code NODE_PAUSED} when its turn to compute
     * comes, including windows already waiting, so the GPU is free once the window in progress
     * ends. Sessions and their caches stay, so {@link #resume} carries on where they were.
     */
    public void pause() {
        if (paused.compareAndSet(false, true)) {
            computeShare.wake();
            events.emit(NodeEvent.Kind.PAUSED, "paused by the operator: windows are refused, sessions and caches kept");
        }
    }

    /** Takes windows again. */
    public void resume() {
        if (paused.compareAndSet(true, false)) {
            events.emit(NodeEvent.Kind.RESUMED, "resumed: taking windows again");
        }
    }

    public boolean isPaused() {
        return paused.get();
    }

    /**
     * Lets the compute thread work {@code percent}% of the time under full load: after each window
     * computed in time {@code t} it rests {@code t × (100 − percent) / percent} before the next
     * (see {@link ComputeShare}). Applies from now on, also to a rest in progress. Pings are
     * answered meanwhile (on the network thread) and a pause ends the rest at once.
     *
     * @throws IllegalArgumentException unless {@code percent} is 1 to 100
     */
    public void setComputeShare(int percent) {
        computeShare.setPercent(percent);
    }

    /** The share of time the compute thread may work, 1 to 100 percent; 100 (no rests) unless set. */
    public int computeShare() {
        return computeShare.percent();
    }

    /** Rests the compute thread as the share asks after a window that began computing at {@code workStartNanos}. */
    void restAfterWindowFrom(long workStartNanos) {
        computeShare.restAfterWorkFrom(workStartNanos);
    }

    /**
     * Makes this node misbehave from now on, for tests and demonstrations ({@code far node --fault});
     * {@link InjectedFault#none()} makes it honest again.
     */
    public void injectFault(InjectedFault fault) {
        this.fault = fault;
        if (fault.kind() != InjectedFault.Kind.NONE) {
            events.emit(NodeEvent.Kind.ERROR, "test mode: this node misbehaves on purpose: " + fault.describe());
        }
    }

    InjectedFault fault() {
        return fault;
    }

    /** Free KV cache memory, in bytes. */
    public long freeKvBytes() {
        return kvBudget.freeBytes();
    }

    @Override
    public void close() {
        compute.shutdownNow();
        try {
            compute.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
