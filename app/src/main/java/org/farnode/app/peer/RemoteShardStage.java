package org.farnode.app.peer;

import java.util.concurrent.CompletableFuture;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.protocol.MessageCodec;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.protocol.PeerMessage.CloseSession;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.ForwardResult;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.protocol.PeerMessage.SessionClosed;
import org.farnode.app.protocol.PeerMessage.Truncate;
import org.farnode.app.protocol.PeerMessage.Truncated;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;

/**
 * One session on a remote node, as a stage of the gateway's route: windows of hidden states go
 * out in the session's codec and come back through the node's layers. Counts the bytes of every
 * frame of the session, as the node does, so both ends' counts can be compared.
 */
public final class RemoteShardStage implements EncodedStage {
    private final PeerClient peer;
    private final long sessionId;
    private final HiddenStateCodec codec;
    /** Guards the traffic counts, which replies update on the connection's thread. */
    private final Object counts = new Object();
    private long bytesSent;
    private long bytesReceived;
    private int windows;
    private long positions;
    private long waitNanos;
    private SessionClosed closedByNode;
    private boolean closed;

    private RemoteShardStage(PeerClient peer, long sessionId, HiddenStateCodec codec) {
        this.peer = peer;
        this.sessionId = sessionId;
        this.codec = codec;
    }

    static RemoteShardStage open(PeerClient peer, long sessionId, HiddenStateCodec codec) {
        RemoteShardStage stage = new RemoteShardStage(peer, sessionId, codec);
        stage.exchange(new OpenSession(sessionId, codec.id(), codec.calibrationHash()));
        return stage;
    }

    @Override
    public LayerRange layers() {
        return peer.layers();
    }

    public PeerClient peer() {
        return peer;
    }

    /** The id of this session on its node. */
    public long sessionId() {
        return sessionId;
    }



    /**
     * {@link #forwardAsync} for a window already in this session's codec at this hop's first layer
     * (the undecoded output of the hop before, relayed): the node's reply comes back undecoded too.
     */
    public CompletableFuture<byte[]> forwardEncodedAsync(int startPosition, int windowPositions, byte[] payload) {
        long start = System.nanoTime();
        Forward request = new Forward(sessionId, startPosition, windowPositions, codec.id(), payload);
        synchronized (counts) {
            bytesSent += MessageCodec.frameSize(request);
        }
        return peer.requestAsync(request).thenApply(reply -> {
            if (!(reply instanceof ForwardResult result) || result.startPosition() != startPosition
                    || result.positions() != windowPositions || result.codecId() != codec.id()) {
                // Not an error the node reported but a node that cannot be trusted with the session: no code, as for a lost one.
                throw new PeerException(peer.describe() + " answered a window of " + windowPositions + " positions from "
                        + startPosition + " with " + reply, (ErrorCode) null);
            }
            synchronized (counts) {
                bytesReceived += MessageCodec.frameSize(reply);
                waitNanos += System.nanoTime() - start;
                windows++;
                positions += windowPositions;
            }
            return result.payload();
        });
    }

    /** The session's codec: what its windows travel in. */
    public HiddenStateCodec codec() {
        return codec;
    }

    /** {@code window} in this session's codec at this hop's first layer. */
    public byte[] encode(HiddenStates window) {
        return codec.encode(window, layers().start());
    }

    /** A payload this hop's node returned: hidden states after its last layer. */
    public HiddenStates decode(byte[] payload, int windowPositions, int width) {
        return codec.decode(payload, windowPositions, width, layers().end());
    }

    /** Nothing to send: the next Forward starts at {@code length}, and the node drops what follows when it arrives. */
    @Override
    public void forgetBeforeNextWindow(int length) {
    }

    @Override
    public void truncate(int length) {
        PeerMessage reply = exchange(new Truncate(sessionId, length));
        if (!(reply instanceof Truncated t) || t.length() != length) {
            throw new PeerException(peer.describe() + " answered a truncation to " + length + " with " + reply, ErrorCode.MALFORMED_FRAME);
        }
    }

    /** Ends the session; the node wipes its cache and reports its own count of the session's traffic. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        PeerMessage request = new CloseSession(sessionId);
        synchronized (counts) {
            bytesSent += MessageCodec.frameSize(request);
        }
        PeerMessage reply = peer.request(request);
        if (reply instanceof SessionClosed report) {
            closedByNode = report;
        }
    }

    /** {@link #close}, for a session whose node is gone or given up on: it wipes the session with its connection or its idle timeout. */
    public void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // nothing is lost: the node held only this session's cache
        }
    }

    /** The gateway's count of this session's traffic on this hop. */
    public HopTraffic traffic() {
        synchronized (counts) {
            return new HopTraffic(bytesSent, bytesReceived, windows, positions, waitNanos);
        }
    }

    /** The node's own count, as reported when the session closed (null before {@link #close}). */
    public synchronized SessionClosed nodeReport() {
        return closedByNode;
    }

    private PeerMessage exchange(PeerMessage request) {
        synchronized (counts) {
            bytesSent += MessageCodec.frameSize(request);
        }
        PeerMessage reply = peer.request(request);
        synchronized (counts) {
            bytesReceived += MessageCodec.frameSize(reply);
        }
        return reply;
    }
}
