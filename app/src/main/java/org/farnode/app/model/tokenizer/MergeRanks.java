package org.farnode.app.model.tokenizer;

import java.util.Arrays;
import java.util.Map;

/**
 * The merge list of a BPE vocabulary, looked up by pair: for two adjacent tokens, the rank of the
 * merge that joins them (lower ranks merge first) and the token it makes.
 *
 * <p>Pairs are kept as {@code long} keys ({@code left << 32 | right}) in an open-addressing table,
 * so a lookup allocates nothing; vocabularies have up to a few hundred thousand merges.
 */
final class MergeRanks {
    /** Returned by {@link #rank} for a pair that no merge joins. */
    static final int NONE = -1;

    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    /** Indexed by rank: the token the merge makes. */
    private final int[] resultOfRank;
    private final int skipped;

    /**
     * Reads {@code merges} ({@code "left right"}, one space, in rank order). A merge whose parts or
     * result are not tokens can never apply, and a repeated pair keeps its first rank; both are
     * skipped and counted in {@link #skipped()}.
     *
     * @throws TokenizerFormatException for an entry without exactly one separating space
     */
    MergeRanks(String[] merges, Map<String, Integer> idOf) {
        int capacity = Integer.highestOneBit(Math.max(4, merges.length * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        mask = capacity - 1;
        resultOfRank = new int[merges.length];
        Arrays.fill(resultOfRank, -1);
        int skippedCount = 0;
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0 || space == merge.length() - 1 || merge.indexOf(' ', space + 1) >= 0) {
                throw new TokenizerFormatException("merge " + rank + " \"" + merge
                        + "\" of the merge list is not two tokens separated by one space");
            }
            Integer left = idOf.get(merge.substring(0, space));
            Integer right = idOf.get(merge.substring(space + 1));
            Integer result = idOf.get(merge.substring(0, space) + merge.substring(space + 1));
            if (left == null || right == null || result == null || !putIfAbsent(key(left, right), rank)) {
                skippedCount++;
                continue;
            }
            resultOfRank[rank] = result;
        }
        this.skipped = skippedCount;
    }

    private static long key(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private boolean putIfAbsent(long key, int rank) {
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == EMPTY) {
                keys[i] = key;
                ranks[i] = rank;
                return true;
            }
            if (keys[i] == key) {
                return false;
            }
        }
    }

    /** The rank of the merge that joins {@code left} and {@code right}, or {@link #NONE}. */
    int rank(int left, int right) {
        long key = key(left, right);
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return ranks[i];
            }
            if (keys[i] == EMPTY) {
                return NONE;
            }
        }
    }

    /** The token that merge {@code rank} makes. */
    int result(int rank) {
        return resultOfRank[rank];
    }

    /** How many merges were skipped because they could never apply or repeated a pair. */
    int skipped() {
        return skipped;
    }
}
