package org.farnode.app.node;

import java.time.Duration;
import java.util.Optional;
import org.farnode.app.codec.CodecCalibration;

/**
 * The limits a node serves under.
 *
 * @param maxFrameBytes    largest frame it accepts; a longer one is refused and its connection closed
 * @param kvBudgetBytes    memory all sessions' KV caches may hold together (counted per cached position)
 * @param idleTimeout      a session unused this long is wiped; using it later gets a clear error
 * @param calibration      the SCM codebook this node holds, for sessions in an SCM codec (none: those are refused)
 * @param evictableAfter   a session unused at least this long may be wiped to make room in the KV budget for
 *                         another session's window; a session used more recently never is
 * @param positionsPerTurn most positions of a window computed in one turn of the compute thread before other
 *                         sessions' requests get theirs: a long prompt is computed in chunks of this size
 */
public record NodeSettings(int maxFrameBytes, long kvBudgetBytes, Duration idleTimeout, Optional<CodecCalibration> calibration,
                           Duration evictableAfter, int positionsPerTurn) {
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
    public static final long DEFAULT_KV_BUDGET_BYTES = 4L << 30;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * Long enough that a session between two turns of a conversation, or waiting for a slow hop
     * elsewhere on its route, keeps its cache; short enough that a node full of abandoned sessions
     * makes room well before their idle timeout.
     */
    public static final Duration DEFAULT_EVICTABLE_AFTER = Duration.ofSeconds(30);
    /**
     * A decode step waiting behind a long prompt waits for one chunk of this size at most (and the
     * other sessions' chunks before it), rather than for the whole prompt. On a model as wide as
     * TinyLlama, chunks of 64 take as long as the whole window; on one as narrow as stories260K,
     * about twice as long, its products being too small for the chunks' start-up to vanish
     * ({@code ChunkedWindowTest}, docs/reliability.md).
     */
    public static final int DEFAULT_POSITIONS_PER_TURN = 64;

    public NodeSettings {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("the maximum frame size must be at least 1024 bytes, got " + maxFrameBytes);
        }
        if (kvBudgetBytes <= 0) {
            throw new IllegalArgumentException("the KV cache budget must be positive, got " + kvBudgetBytes + " bytes");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive, got " + idleTimeout);
        }
        if (evictableAfter.isNegative()) {
            throw new IllegalArgumentException("the idle time before a session may be evicted must be 0 or more, got "
                    + evictableAfter);
        }
        if (positionsPerTurn < 1) {
            throw new IllegalArgumentException("the positions computed per turn must be at least 1, got " + positionsPerTurn);
        }
    }

    public static NodeSettings defaults() {
        return new NodeSettings(DEFAULT_MAX_FRAME_BYTES, DEFAULT_KV_BUDGET_BYTES, DEFAULT_IDLE_TIMEOUT, Optional.empty(),
                DEFAULT_EVICTABLE_AFTER, DEFAULT_POSITIONS_PER_TURN);
    }

    public NodeSettings withKvBudgetBytes(long bytes) {
        return new NodeSettings(maxFrameBytes, bytes, idleTimeout, calibration, evictableAfter, positionsPerTurn);
    }

    public NodeSettings withIdleTimeout(Duration timeout) {
        return new NodeSettings(maxFrameBytes, kvBudgetBytes, timeout, calibration, evictableAfter, positionsPerTurn);
    }

    public NodeSettings withMaxFrameBytes(int bytes) {
        return new NodeSettings(bytes, kvBudgetBytes, idleTimeout, calibration, evictableAfter, positionsPerTurn);
    }

    public NodeSettings withCalibration(CodecCalibration codebook) {
        return new NodeSettings(maxFrameBytes, kvBudgetBytes, idleTimeout, Optional.of(codebook), evictableAfter, positionsPerTurn);
    }

    public NodeSettings withEvictableAfter(Duration idle) {
        return new NodeSettings(maxFrameBytes, kvBudgetBytes, idleTimeout, calibration, idle, positionsPerTurn);
    }

    public NodeSettings withPositionsPerTurn(int positions) {
        return new NodeSettings(maxFrameBytes, kvBudgetBytes, idleTimeout, calibration, evictableAfter, positions);
    }
}
