package org.farnode.app.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nodes this gateway will not route through for a while, because they returned results that two
 * other nodes serving the same layers agreed were wrong. Kept per process and in memory only: a
 * ban is this gateway's own judgement, and it ends by itself, so a node that was broken and is
 * mended comes back.
 */
public final class PeerBans {
    private static final PeerBans SHARED = new PeerBans(Clock.systemUTC());

    /** Why {@code nodeId} is banned, and until when. */
    public record Ban(String nodeId, Instant until, String reason) {
    }

    private final Clock clock;
    private final Map<String, Ban> bans = new ConcurrentHashMap<>();

    public PeerBans(Clock clock) {
        this.clock = clock;
    }

    /** The bans of this process, which every route consults. */
    public static PeerBans shared() {
        return SHARED;
    }

    /** Keeps {@code nodeId} out of routes for {@code duration}; a longer ban already in force stays. */
    public void ban(String nodeId, Duration duration, String reason) {
        Instant until = clock.instant().plus(duration);
        bans.merge(nodeId, new Ban(nodeId, until, reason), (old, now) -> old.until().isAfter(now.until()) ? old : now);
    }

    public boolean isBanned(String nodeId) {
        Ban ban = bans.get(nodeId);
        if (ban == null) {
            return false;
        }
        if (!ban.until().isAfter(clock.instant())) {
            bans.remove(nodeId, ban);
            return false;
        }
        return true;
    }

    /** The bans in force, soonest to end first. */
    public List<Ban> active() {
        return bans.values().stream().filter(b -> isBanned(b.nodeId())).sorted(Comparator.comparing(Ban::until)).toList();
    }
}
