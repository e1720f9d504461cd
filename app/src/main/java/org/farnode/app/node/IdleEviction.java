package org.farnode.app.node;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Room in the KV budget for a window, made when the budget is short by wiping the sessions that
 * have gone unused longest. Only a session unused for {@link NodeSettings#evictableAfter} may go,
 * never the one asking, nor one with a request waiting; and none goes at all when wiping every
 * such session would still leave too little room, so that a window that cannot fit costs no one
 * their cache. Runs on the compute thread, the only one that reserves or releases room.
 */
final class IdleEviction {
    private record Candidate(NodeConnection connection, NodeSession session) {
    }

    private IdleEviction() {
    }

    /**
     * Reserves room for {@code positions} more positions of {@code asking}, evicting sessions
     * unused since before {@code cutoffNanos}, least recently used first, as long as it is short.
     *
     * @return false, with nothing reserved and nobody evicted, when even that would not make room
     */
    static boolean reserve(KvBudget budget, Collection<NodeConnection> connections, long cutoffNanos, int positions,
                           NodeSession asking) {
        if (budget.tryReserve(positions)) {
            return true;
        }
        List<Candidate> candidates = connections.stream()
                .flatMap(c -> c.evictable(cutoffNanos, asking).stream().map(s -> new Candidate(c, s)))
                .sorted(Comparator.comparingLong(c -> c.session().lastUsedNanos - cutoffNanos)) // nanoTime is compared by difference
                .toList();
        long evictablePositions = candidates.stream().mapToLong(c -> c.session().reservedPositions).sum();
        if (budget.freeBytes() < (positions - evictablePositions) * budget.bytesPerPosition()) {
            return false;
        }
        for (Candidate candidate : candidates) {
            candidate.connection().evict(candidate.session(), positions);
            if (budget.tryReserve(positions)) {
                return true;
            }
        }
        throw new AssertionError("evicting every idle session freed less than they held");
    }
}
