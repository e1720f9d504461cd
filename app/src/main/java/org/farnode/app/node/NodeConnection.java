package org.farnode.app.node;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.MessageCodec;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.CloseSession;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.ForwardResult;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.protocol.PeerMessage.SessionClosed;
import org.farnode.app.protocol.PeerMessage.SessionOpened;
import org.farnode.app.protocol.PeerMessage.Truncate;
import org.farnode.app.protocol.PeerMessage.Truncated;
import org.farnode.app.protocol.PeerMessage.Welcome;
import org.farnode.app.protocol.ProtocolException;
import org.farnode.app.shard.HiddenStates;

/**
 * One gateway's connection to this node: the handshake, then its sessions. Every method runs on
 * the node's compute thread, so sessions need no locks, and a session's requests are answered in
 * the order they came (the node's {@link SessionScheduler} interleaves different sessions'); only
 * {@link #stats} and {@link #lost} are called from other threads, which is why the session map is
 * concurrent, the counters atomic and {@code closed} volatile.
 */
final class NodeConnection {
    /** Wiped session ids remembered per connection, to say "expired" or "evicted" rather than "unknown". */
    private static final int REMEMBERED_WIPED = 1024;

    private final NodeService node;
    private final PeerLink link;
    private final String remoteAddress;
    private final Instant connectedAt = Instant.now();
    /** This connection's share of the node's traffic, counted wherever the node-wide counters are. */
    private final TrafficCounters traffic = new TrafficCounters();
    /** Written only on the compute thread; concurrent so that {@link #stats} can count it from anywhere. */
    private final Map<Long, NodeSession> sessions = new ConcurrentHashMap<>();
    /** Per wiped session, why, as the error on its next request says it; the oldest forgotten first. */
    private final Map<Long, String> wiped = new LinkedHashMap<>();
    private boolean welcomed;
    /** Set on the network thread when the connection drops, so that its queued requests are skipped at once. */
    private volatile boolean closed;

    NodeConnection(NodeService node, PeerLink link, String remoteAddress) {
        this.node = node;
        this.link = link;
        this.remoteAddress = remoteAddress;
    }

    /** The gateway's {@code host:port}. */
    String remoteAddress() {
        return remoteAddress;
    }

    /** A snapshot of this connection, safe to take on any thread. */
    ConnectionStats stats() {
        return new ConnectionStats(remoteAddress, link.security(), connectedAt, sessions.size(), traffic.bytesReceived(),
                traffic.bytesSent(), traffic.windows(), traffic.positions());
    }

    TrafficCounters traffic() {
        return traffic;
    }

    /**
     * Handles one message, as its first turn on the compute thread. Returns null when that is all
     * it takes; a window longer than one turn returns what is left of it, for {@link #continueWindow}.
     *
     * @param arrivedWhileLeaving whether it came after the node stopped taking work: a new session or
     *                            window is then refused with {@code NODE_LEAVING}
     */
    WindowInProgress receive(PeerMessage message, boolean arrivedWhileLeaving) {
        if (closed) {
            return null;
        }
        long frameBytes = MessageCodec.frameSize(message);
        node.traffic().received(frameBytes);
        traffic.received(frameBytes);
        NodeSession session = sessions.get(message.sessionId());
        if (session != null) {
            session.traffic.received(frameBytes);
            session.lastUsedNanos = node.nanoTime();
        }
        WindowInProgress unfinished = null;
        try {
            if (arrivedWhileLeaving && (message instanceof OpenSession || message instanceof Forward)) {
                throw new ProtocolException(ErrorCode.NODE_LEAVING, "this node is leaving the network: it finishes the windows "
                        + "it took before and takes no new sessions or windows; move the session to another node serving layers "
                        + node.layers());
            }
            switch (message) {
                case Hello hello -> welcome(hello);
                case OpenSession open -> requireWelcomed().open(open);
                case Forward forward -> unfinished = requireWelcomed().forward(forward, requireSession(forward.sessionId()));
                case Truncate truncate -> requireWelcomed().truncate(truncate, requireSession(truncate.sessionId()));
                case CloseSession close -> requireWelcomed().close(requireSession(close.sessionId()));
                default -> throw new ProtocolException(ErrorCode.UNKNOWN_MESSAGE_TYPE, message.getClass().getSimpleName()
                        + " is a message nodes send, not one they accept");
            }
        } catch (ProtocolException e) {
            fail(message.sessionId(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            fail(message.sessionId(), ErrorCode.INTERNAL, "node failed: " + e);
        }
        if (session != null && unfinished == null) {
            // Idle from the answer on: the time a long window takes to compute is use, not idleness.
            session.lastUsedNanos = node.nanoTime();
        }
        return unfinished;
    }

    /**
     * Computes the next chunk of {@code window}, and answers once the last is done. Returns true
     * when the window is done: answered, refused after a failure, or dropped with its connection.
     */
    boolean continueWindow(WindowInProgress window) {
        NodeSession session = window.session;
        if (closed) {
            window.wipe(); // the sessions go with the connection
            return true;
        }
        try {
            if (!window.computeNext(node.settings().positionsPerTurn())) {
                return false;
            }
            answer(window);
        } catch (RuntimeException e) {
            rollBack(window);
            fail(session.id, ErrorCode.INTERNAL, "node failed: " + e);
        }
        window.wipe(); // its vectors live on only in the session's KV cache, which closing, expiry or eviction wipes
        session.lastUsedNanos = node.nanoTime();
        return true;
    }

    /** Sends an error for a broken frame (seen by the decoder) and hangs up where the code says so. */
    void protocolError(ProtocolException e) {
        fail(0, e.code(), e.getMessage());
    }

    /** On the network thread: the connection is gone, so its requests still queued are skipped. */
    void lost() {
        closed = true;
    }

    /** The connection is gone: wipe every session it had. */
    void disconnected() {
        closed = true;
        for (NodeSession session : sessions.values()) {
            discard(session);
            tell(NodeEvent.Kind.SESSION_CLOSED, "session " + session.id + " closed with its connection after "
                    + windowsOf(session));
        }
        sessions.clear();
    }

    /** Wipes sessions unused since before {@code cutoffNanos} that have no request waiting. */
    void expireIdle(long cutoffNanos) {
        var iterator = sessions.values().iterator();
        while (iterator.hasNext()) {
            NodeSession session = iterator.next();
            if (session.lastUsedNanos - cutoffNanos < 0 && !node.hasWork(this, session.id)) {
                iterator.remove();
                discard(session);
                long seconds = node.settings().idleTimeout().toSeconds();
                remember(session.id, "session " + session.id + " expired after " + seconds
                        + " s without use and its cache was wiped; open a new session");
                tell(NodeEvent.Kind.SESSION_EXPIRED, "session " + session.id + " expired after " + seconds
                        + " s without use; its cache was wiped");
            }
        }
    }

    /**
     * Sessions that may be evicted to make room for {@code asking}'s window: unused since before
     * {@code cutoffNanos}, holding cached positions, with no request waiting.
     */
    List<NodeSession> evictable(long cutoffNanos, NodeSession asking) {
        return sessions.values().stream()
                .filter(s -> s != asking && s.reservedPositions > 0 && s.lastUsedNanos - cutoffNanos < 0 && !node.hasWork(this, s.id))
                .toList();
    }

    /** Wipes {@code session} to make room for another session's window of {@code positions} positions. */
    void evict(NodeSession session, int positions) {
        sessions.remove(session.id);
        String idle = span(Duration.ofNanos(node.nanoTime() - session.lastUsedNanos));
        int freed = session.reservedPositions;
        discard(session);
        remember(session.id, "session " + session.id + " was evicted after " + idle + " without use to make room "
                + "for another session's window, and its cache was wiped; open a new session");
        tell(NodeEvent.Kind.SESSION_EVICTED, "session " + session.id + " evicted after " + idle + " without use: its "
                + freed + " cached positions were wiped to make room for a window of " + positions + " positions");
    }

    /**
     * Tells the gateway this node is leaving (an error reply on session 0) and hangs up once it is
     * sent. Returns false when the connection was gone already.
     */
    boolean sayLeaving(String why) {
        if (closed) {
            return false;
        }
        closed = true;
        ErrorReply notice = new ErrorReply(0, ErrorCode.NODE_LEAVING, why);
        countSent(null, MessageCodec.frameSize(notice));
        link.sendAndClose(notice);
        return true;
    }

    int openSessions() {
        return sessions.size();
    }

    private void welcome(Hello hello) {
        if (welcomed) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "Hello after the handshake is done");
        }
        if (hello.protocolVersion() != PeerMessage.PROTOCOL_VERSION) {
            throw new ProtocolException(ErrorCode.WRONG_PROTOCOL_VERSION, "this node speaks protocol version "
                    + PeerMessage.PROTOCOL_VERSION + ", the gateway sent version " + hello.protocolVersion());
        }
        if (!hello.modelId().equals(node.modelId())) {
            throw new ProtocolException(ErrorCode.WRONG_MODEL, "this node serves model " + node.modelId().hex()
                    + ", the gateway asked for model " + hello.modelId().hex());
        }
        welcomed = true;
        reply(null, new Welcome(PeerMessage.PROTOCOL_VERSION, node.nodeId(), node.modelId(), node.layers().start(),
                node.layers().end(), node.backend(), node.kvBudget().freeBytes(), node.openSessions()));
    }

    private NodeConnection requireWelcomed() {
        if (!welcomed) {
            throw new ProtocolException(ErrorCode.HANDSHAKE_REQUIRED, "the first message on a connection must be Hello");
        }
        return this;
    }

    private void open(OpenSession open) {
        if (sessions.containsKey(open.sessionId())) {
            throw new ProtocolException(ErrorCode.SESSION_EXISTS, "session " + open.sessionId() + " is already open");
        }
        HiddenStateCodec codec = node.codecs().place(codecFor(open));
        wiped.remove(open.sessionId());
        NodeSession session = new NodeSession(open.sessionId(), codec, node.runner().openSession(), node.nanoTime());
        sessions.put(session.id, session);
        session.traffic.received(MessageCodec.frameSize(open));
        reply(session, new SessionOpened(session.id, codec.id(), node.runner().config().contextLength()));
        tell(NodeEvent.Kind.SESSION_OPENED, "session " + session.id + " opened (codec " + codec.name() + ")");
    }

    /** The session's codec; an SCM one only with the very codebook the gateway named. */
    private HiddenStateCodec codecFor(OpenSession open) {
        var calibration = node.settings().calibration();
        if (HiddenStateCodecs.needsCalibration(open.codecId())) {
            String theirs = java.util.HexFormat.of().formatHex(open.calibrationHash()).substring(0, 12);
            if (calibration.isEmpty()) {
                throw new ProtocolException(ErrorCode.CODEC_CALIBRATION_MISMATCH, "codec " + open.codecId() + " needs the SCM codebook "
                        + theirs + ", and this node holds none (start it with --scm FILE)");
            }
            if (!java.util.Arrays.equals(calibration.get().hash(), open.calibrationHash())) {
                throw new ProtocolException(ErrorCode.CODEC_CALIBRATION_MISMATCH, "the gateway's SCM codebook " + theirs
                        + " is not this node's " + calibration.get().shortHash() + "; both must load the same .scm file");
            }
        }
        return HiddenStateCodecs.byId(open.codecId(), calibration).orElseThrow(() -> new ProtocolException(
                ErrorCode.UNKNOWN_CODEC, "codec " + open.codecId() + " is unknown; this node knows "
                + String.join(", ", HiddenStateCodecs.available(calibration).stream().map(c -> c.id() + " (" + c.name() + ")").toList())));
    }

    private WindowInProgress forward(Forward forward, NodeSession session) {
        if (node.isPaused()) {
            throw new ProtocolException(ErrorCode.NODE_PAUSED, "this node is paused by its operator; its sessions are kept, "
                    + "so the same window can be sent again when it resumes, or the route can go around it");
        }
        if (forward.codecId() != session.codec.id()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_CODEC, "session " + session.id + " was opened with codec "
                    + session.codec.name() + " (" + session.codec.id() + "), the window is in codec " + forward.codecId());
        }
        int context = node.runner().config().contextLength();
        int cached = session.shard.length();
        if (forward.positions() < 1 || forward.startPosition() < 0 || forward.startPosition() > cached
                || (long) forward.startPosition() + forward.positions() > context) {
            throw new ProtocolException(ErrorCode.WINDOW_OUT_OF_RANGE, "window of " + forward.positions()
                    + " positions from " + forward.startPosition() + " does not fit: the session holds " + cached
                    + " positions, so a window must start at " + cached + " (or before, which drops the positions from its start on)"
                    + ", have at least one position, and end by the context length " + context);
        }
        HiddenStates input = decode(session, forward);
        if (forward.startPosition() < cached) {
            // A rewind: speculative decoding's rejected drafts dropped in the same trip as the next window.
            session.shard.truncate(forward.startPosition());
            node.kvBudget().release(session.reservedPositions - forward.startPosition());
            session.reservedPositions = forward.startPosition();
        }
        if (!node.reserveEvictingIdle(forward.positions(), session)) {
            Arrays.fill(input.values(), 0f);
            throw new ProtocolException(ErrorCode.OUT_OF_CAPACITY, "this node's KV cache budget of "
                    + node.kvBudget().limitBytes() + " bytes is used up (" + node.kvBudget().freeBytes()
                    + " bytes free, the window needs " + forward.positions() * node.kvBudget().bytesPerPosition()
                    + ", and the sessions idle for " + span(node.settings().evictableAfter())
                    + " or more, which it would evict, hold too little)");
        }
        session.reservedPositions += forward.positions();
        WindowInProgress window = new WindowInProgress(session, forward.startPosition(), input);
        return continueWindow(window) ? null : window;
    }

    /** Sends the finished window back and counts it. */
    private void answer(WindowInProgress window) {
        NodeSession session = window.session;
        session.traffic.window(window.positions());
        node.traffic().window(window.positions());
        traffic.window(window.positions());
        if (node.fault().applyToAnswer(window.output())) { // test mode only: a dropped window is computed into the cache, never answered
            reply(session, new ForwardResult(session.id, window.startPosition, window.positions(), session.codec.id(),
                    session.codec.encode(window.output(), node.layers().end())));
        }
        node.windowAnswered();
    }

    /** After a failed chunk: the session holds what it held before the window, and the window's room goes back. */
    private void rollBack(WindowInProgress window) {
        NodeSession session = window.session;
        session.shard.truncate(window.startPosition);
        node.kvBudget().release(session.reservedPositions - window.startPosition);
        session.reservedPositions = window.startPosition;
    }

    private HiddenStates decode(NodeSession session, Forward forward) {
        int width = node.runner().config().embeddingLength();
        HiddenStates states;
        try {
            states = session.codec.decode(forward.payload(), forward.positions(), width, node.layers().start());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_HIDDEN_STATE, e.getMessage());
        }
        float[] values = states.values();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ProtocolException(ErrorCode.BAD_HIDDEN_STATE, "hidden state value " + values[i] + " at position "
                        + (forward.startPosition() + i / width) + ", index " + i % width + " is not a finite number");
            }
        }
        return states;
    }

    private void truncate(Truncate truncate, NodeSession session) {
        int cached = session.shard.length();
        if (truncate.length() < 0 || truncate.length() > cached) {
            throw new ProtocolException(ErrorCode.WINDOW_OUT_OF_RANGE, "cannot truncate session " + session.id + " to "
                    + truncate.length() + " positions: it holds " + cached);
        }
        session.shard.truncate(truncate.length());
        node.kvBudget().release(session.reservedPositions - truncate.length());
        session.reservedPositions = truncate.length();
        reply(session, new Truncated(session.id, truncate.length()));
    }

    private void close(NodeSession session) {
        sessions.remove(session.id);
        discard(session);
        TrafficCounters t = session.traffic;
        SessionClosed closed = new SessionClosed(session.id, t.bytesReceived(), t.bytesSent(), (int) t.windows(), t.positions());
        countSent(null, MessageCodec.frameSize(closed)); // not in the session's own count: the reply reports that count
        link.send(closed);
        tell(NodeEvent.Kind.SESSION_CLOSED, "session " + session.id + " closed after " + windowsOf(session));
    }

    private NodeSession requireSession(long id) {
        NodeSession session = sessions.get(id);
        if (session != null) {
            return session;
        }
        String why = wiped.get(id);
        if (why != null) {
            throw new ProtocolException(ErrorCode.SESSION_EXPIRED, why);
        }
        throw new ProtocolException(ErrorCode.UNKNOWN_SESSION, "session " + id + " is not open on this connection");
    }

    private void discard(NodeSession session) {
        session.shard.close();
        node.kvBudget().release(session.reservedPositions);
        session.reservedPositions = 0;
    }

    private void remember(long id, String why) {
        wiped.put(id, why);
        if (wiped.size() > REMEMBERED_WIPED) {
            wiped.remove(wiped.keySet().iterator().next());
        }
    }

    private void reply(NodeSession session, PeerMessage message) {
        countSent(session, MessageCodec.frameSize(message));
        link.send(message);
    }

    /** Counts a frame sent for the node, this connection and, unless null, the session. */
    private void countSent(NodeSession session, long bytes) {
        node.traffic().sent(bytes);
        traffic.sent(bytes);
        if (session != null) {
            session.traffic.sent(bytes);
        }
    }

    private void fail(long sessionId, ErrorCode code, String text) {
        ErrorReply error = new ErrorReply(sessionId, code, text);
        countSent(sessions.get(sessionId), MessageCodec.frameSize(error));
        if (code.closesConnection()) {
            closed = true;
            link.sendAndClose(error);
        } else {
            link.send(error);
        }
        tell(NodeEvent.Kind.ERROR, (sessionId == 0 ? "request" : "session " + sessionId) + " refused: " + code + ": " + text
                + (code.closesConnection() ? " (hanging up)" : ""));
    }

    /** Tells the node's listeners {@code what} happened on this connection, naming the gateway first. */
    private void tell(NodeEvent.Kind kind, String what) {
        node.events().emit(kind, remoteAddress + ": " + what);
    }

    /** {@code 30 s}, or {@code 200 ms} below a second. */
    private static String span(Duration duration) {
        return duration.compareTo(Duration.ofSeconds(1)) >= 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String windowsOf(NodeSession session) {
        long windows = session.traffic.windows();
        long positions = session.traffic.positions();
        return windows + (windows == 1 ? " window, " : " windows, ") + positions + (positions == 1 ? " position" : " positions");
    }
}
