package org.farnode.app.node;

import java.time.Duration;
import java.util.Optional;
import org.farnode.app.codec.CodecCalibration;

/**
 * The limits a node serves under.
 *
 * @param maxFrameBytes largest frame it accepts; a longer one is refused and its connection closed
 * @param kvBudgetBytes memory all sessions' KV caches may hold together (counted per cached position)
 * @param idleTimeout   a session unused this long is wiped; using it later gets a clear error
 * @param calibration   the SCM codebook this node holds, for sessions in an SCM codec (none: those are refused)
 */
public record NodeSettings(int maxFrameBytes, long kvBudgetBytes, Duration idleTimeout, Optional<CodecCalibration> calibration) {
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
    public static final long DEFAULT_KV_BUDGET_BYTES = 4L << 30;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

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
    }

    public static NodeSettings defaults() {
        return new NodeSettings(DEFAULT_MAX_FRAME_BYTES, DEFAULT_KV_BUDGET_BYTES, DEFAULT_IDLE_TIMEOUT, Optional.empty());
    }

    public NodeSettings withKvBudgetBytes(long bytes) {
        return new NodeSettings(maxFrameBytes, bytes, idleTimeout, calibration);
    }

    public NodeSettings withIdleTimeout(Duration timeout) {
        return new NodeSettings(maxFrameBytes, kvBudgetBytes, timeout, calibration);
    }

    public NodeSettings withMaxFrameBytes(int bytes) {
        return new NodeSettings(bytes, kvBudgetBytes, idleTimeout, calibration);
    }

    public NodeSettings withCalibration(CodecCalibration codebook) {
        return new NodeSettings(maxFrameBytes, kvBudgetBytes, idleTimeout, Optional.of(codebook));
    }
}
