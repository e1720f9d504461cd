package org.farnode.app.speculative;

/**
 * Prompt lookup: guesses that the text repeats itself. Finds an earlier occurrence of the
 * history's last n tokens and proposes what followed it. No model, so it costs microseconds, and
 * it pays off where generation copies from the prompt (code edits, quotes, summaries, lists).
 *
 * <p>Choices: the longest n first (from {@code maxNgram} down to 1), because a longer match is
 * better evidence; among occurrences of that n-gram, the most recent, because nearby text predicts
 * better than distant text. The continuation is copied as an overlapping copy (as in LZ77): when it
 * runs past the end of the history it continues with the tokens it has just proposed, so a
 * repeating cycle is proposed for the full length rather than cut short at the history's end.
 *
 * <p>A linear scan per n: {@code O(history × maxNgram)} comparisons per call, well under a
 * millisecond for a 4096-token context.
 */
public final class PromptLookupDrafter implements Drafter {
    public static final int DEFAULT_MAX_NGRAM = 3;

    private final int maxNgram;
    private final int minNgram;

    public PromptLookupDrafter() {
        this(DEFAULT_MAX_NGRAM);
    }

    public PromptLookupDrafter(int maxNgram) {
        this(maxNgram, 1);
    }

    /**
     * Matches n-grams of {@code minNgram} to {@code maxNgram} tokens. A minimum above 1 makes the
     * drafter propose nothing on a one-token match, the weakest evidence, so that a drafter after it
     * ({@link FallbackDrafter}) can guess instead.
     */
    public PromptLookupDrafter(int maxNgram, int minNgram) {
        if (minNgram < 1 || maxNgram < minNgram) {
            throw new IllegalArgumentException("n-grams to match need 1 <= shortest <= longest, got " + minNgram + " and " + maxNgram);
        }
        this.maxNgram = maxNgram;
        this.minNgram = minNgram;
    }

    @Override
    public Draft propose(int[] history, int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("the draft length must be >= 0, got " + maxLength);
        }
        if (maxLength == 0) {
            return Draft.empty();
        }
        // An occurrence needs at least one token after it, so n can be at most history.length - 1.
        for (int n = Math.min(maxNgram, history.length - 1); n >= minNgram; n--) {
            int start = mostRecentEarlierOccurrence(history, n);
            if (start >= 0) {
                return Draft.deterministic(continuation(history, start + n, maxLength));
            }
        }
        return Draft.empty();
    }

    /** Start of the latest occurrence of the last {@code n} tokens that ends before the history does; -1 if none. */
    private static int mostRecentEarlierOccurrence(int[] history, int n) {
        int suffix = history.length - n;
        for (int start = suffix - 1; start >= 0; start--) {
            if (matches(history, start, suffix, n)) {
                return start;
            }
        }
        return -1;
    }

    private static boolean matches(int[] history, int start, int suffix, int n) {
        for (int i = 0; i < n; i++) {
            if (history[start + i] != history[suffix + i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code length} tokens copied from {@code from}, reading the proposal itself past the history's end. */
    private static int[] continuation(int[] history, int from, int length) {
        int[] draft = new int[length];
        for (int i = 0; i < length; i++) {
            int source = from + i;
            // from < history.length, so source - history.length < i: the token is already proposed.
            draft[i] = source < history.length ? history[source] : draft[source - history.length];
        }
        return draft;
    }
}
