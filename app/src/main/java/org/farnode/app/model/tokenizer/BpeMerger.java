package org.farnode.app.model.tokenizer;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Applies a vocabulary's merges to one word: while some adjacent pair of tokens has a merge, the
 * pair with the lowest merge rank (on a tie, the leftmost) becomes the token the merge makes.
 *
 * <p>The word is a doubly linked list over the positions of its starting tokens; a priority queue
 * holds candidate pairs keyed by (rank, left position), so a word of n symbols takes O(n log n).
 * A candidate goes stale when either side has merged since; it is recognised on removal because the
 * pair now at that position no longer has the candidate's rank (each rank names one pair).
 */
final class BpeMerger {
    private final MergeRanks ranks;

    BpeMerger(MergeRanks ranks) {
        this.ranks = ranks;
    }

    /** The tokens of a word that starts as {@code symbols} (not modified). */
    int[] merge(int[] symbols) {
        int n = symbols.length;
        if (n < 2) {
            return symbols.clone();
        }
        int[] ids = symbols.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Long> candidates = new PriorityQueue<>(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(ids, i, i + 1, candidates);
        }
        int remaining = n;
        while (!candidates.isEmpty()) {
            long candidate = candidates.poll();
            int rank = (int) (candidate >>> 32);
            int left = (int) candidate;
            int right = next[left];
            if (ids[left] < 0 || right < 0 || ranks.rank(ids[left], ids[right]) != rank) {
                continue;
            }
            ids[left] = ranks.result(rank);
            ids[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            remaining--;
            if (prev[left] >= 0) {
                offer(ids, prev[left], left, candidates);
            }
            if (next[left] >= 0) {
                offer(ids, left, next[left], candidates);
            }
        }
        int[] out = new int[remaining];
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[count++] = ids[i];
        }
        assert count == remaining : Arrays.toString(out);
        return out;
    }

    private void offer(int[] ids, int left, int right, PriorityQueue<Long> candidates) {
        int rank = ranks.rank(ids[left], ids[right]);
        if (rank != MergeRanks.NONE) {
            candidates.add((long) rank << 32 | left);
        }
    }
}
