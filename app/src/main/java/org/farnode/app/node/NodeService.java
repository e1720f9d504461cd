package org.farnode.app.node;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.farnode.app.codec.CodecPlacement;
import org.farnode.app.model.ModelConfig;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.ProtocolException;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;

/**
 * What a node serves, independent of sockets: a shard of one model, its sessions' KV budget,
 * its traffic counters, and the one compute thread on which every request runs. One thread,
 * because the backend already spreads each matrix product over all cores; the sessions take
 * turns on it round robin, a long window one chunk per turn ({@link SessionScheduler}). When the
 * KV budget is short, sessions idle long enough are evicted to make room ({@link IdleEviction}).
 * The operator may {@linkplain #setComputeShare give it only a share} of that thread's time,
 * {@linkplain #pause pause} it, and {@linkplain #leave have it leave}.
 *
 * <p>For an operator's dashboard it reports its {@linkplain #connections connections} and
 * {@linkplain #addEventListener events}; both can be read from any thread without waiting for
 * the compute thread.
 */
public final class NodeService implements AutoCloseable {
    /** How long the compute thread may take to tell the gateways it is leaving once it has finished its work. */
    private static final Duration FAREWELL_TIMEOUT = Duration.ofSeconds(5);
    private final AtomicBoolean paused = new AtomicBoolean();
    private final Admission admission = new Admission();
    /**
     * A pause ends a rest at once, so the windows waiting behind it are refused without delay;
     * so does leaving, so the node finishes its windows and goes without resting in between.
     */
    private final ComputeShare computeShare = new ComputeShare(() -> paused.get() || admission.isClosed());
    private final SessionScheduler scheduler = new SessionScheduler();
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
    /** Time the compute thread worked since it last rested; compute thread only, as is the flag after it. */
    private long unrestedWorkNanos;
    private boolean windowAnsweredThisTurn;

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

    /** Queues {@code message} from {@code connection} behind its session's requests; the compute thread takes it in its turn. */
    void receive(NodeConnection connection, PeerMessage message) {
        scheduler.add(connection, message.sessionId(), new IncomingRequest(connection, message, admission));
        compute.execute(this::runOneTurn);
    }

    /** Queues the answer to a broken frame from {@code connection}, outside its sessions. */
    void protocolError(NodeConnection connection, ProtocolException error) {
        scheduler.add(connection, 0, () -> {
            connection.protocolError(error);
            return true;
        });
        compute.execute(this::runOneTurn);
    }

    /** Runs {@code work} on the compute thread between two turns, after the turns already asked for. */
    void submit(Runnable work) {
        compute.execute(work);
    }

    /**
     * One turn of one session, then the rest the compute share asks for once a window has been
     * answered: after the reply, so the share slows the node's next window, not this one's answer.
     * Every added request asked for one turn; a request that needs more asks for the next itself.
     */
    private void runOneTurn() {
        long start = System.nanoTime();
        boolean again = scheduler.runOneTurn();
        unrestedWorkNanos += System.nanoTime() - start;
        if (again) {
            compute.execute(this::runOneTurn);
        }
        if (windowAnsweredThisTurn) {
            windowAnsweredThisTurn = false;
            long work = unrestedWorkNanos;
            unrestedWorkNanos = 0;
            computeShare.restAfter(work);
        }
    }

    /** The window of this turn has been answered (compute thread). */
    void windowAnswered() {
        windowAnsweredThisTurn = true;
    }

    /** Whether the session has a request waiting or being computed: it is in use then, however long ago it came. */
    boolean hasWork(NodeConnection connection, long sessionId) {
        return scheduler.hasWork(connection, sessionId);
    }

    /**
     * On the compute thread: reserves KV room for {@code positions} more positions of {@code asking},
     * evicting idle sessions when the budget is short ({@link IdleEviction}); false when even that
     * would not make room.
     */
    boolean reserveEvictingIdle(int positions, NodeSession asking) {
        long cutoff = nanoTime() - settings.evictableAfter().toNanos();
        return IdleEviction.reserve(kvBudget, connections, cutoff, positions, asking);
    }

    /** On a network thread: the connection is gone. Its queued requests are dropped, then its sessions wiped. */
    void disconnect(NodeConnection connection) {
        connection.lost();
        compute.execute(() -> {
            scheduler.removeAll(connection).forEach(SessionScheduler.Request::abandon);
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
     * comes, including windows already waiting, so the GPU is free once the windows whose first
     * chunk was computed are done (at most one per session). Sessions and their caches stay, so
     * {@link #resume} carries on where they were.
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
     * answered, having worked for time {@code t} since its last rest, it rests
     * {@code t × (100 − percent) / percent} before the next turn (see {@link ComputeShare}).
     * Applies from now on, also to a rest in progress. Pings are answered meanwhile (on the network
     * thread), and a pause or leaving ends the rest at once.
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

    /** Requests waiting for the compute thread or being computed, all sessions together (read on any thread). */
    public int queuedRequests() {
        return scheduler.waiting();
    }

    /**
     * Leaves, gracefully: stops taking new sessions and windows (they are refused with
     * {@code NODE_LEAVING}), finishes the requests it took before, waiting at most {@code grace}
     * for them, then tells every connected gateway it is leaving (an {@code ErrorReply} on session
     * 0 with {@code NODE_LEAVING}) and hangs up on it. The sessions' caches go with the
     * connections. The service is not closed; call {@link #close} after.
     */
    public Departure leave(Duration grace) throws InterruptedException {
        long windowsBefore = traffic.windows();
        int taken = admission.pending();
        admission.close();
        computeShare.wake();
        events.emit(NodeEvent.Kind.LEAVING, "leaving: taking no new sessions or windows, finishing the " + taken
                + (taken == 1 ? " request" : " requests") + " already taken");
        admission.awaitDone(grace.toNanos());
        int unfinished = admission.pending();
        long finished = traffic.windows() - windowsBefore;
        int told = sayLeavingToAll(finished);
        return new Departure(finished, unfinished, told, 0);
    }

    /** Whether the node is {@linkplain #leave leaving}. */
    public boolean isLeaving() {
        return admission.isClosed();
    }

    /** On the compute thread, between turns: tells every connection this node is leaving; returns how many it told. */
    private int sayLeavingToAll(long windowsFinished) throws InterruptedException {
        String notice = "this node is leaving the network; it finished the " + windowsFinished
                + (windowsFinished == 1 ? " window" : " windows") + " it had taken; move your sessions to other nodes serving layers "
                + layers();
        try {
            return CompletableFuture.supplyAsync(() -> (int) connections.stream().filter(c -> c.sayLeaving(notice)).count(), compute)
                    .get(FAREWELL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            events.emit(NodeEvent.Kind.ERROR, "could not tell the gateways this node is leaving: " + e);
            return 0;
        }
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
