package org.farnode.app.speculative;

import java.util.Locale;

/**
 * One session's speculation so far. A round is one round trip through the pipeline and emits
 * the accepted drafts plus one token, so plain decoding would have needed one round trip per
 * emitted token; the difference is the round trips saved.
 *
 * @param drafted tokens proposed by the drafter
 * @param accepted drafted tokens the target kept
 * @param rounds round trips (verification windows) sent
 * @param emitted tokens produced
 */
public record SpeculationStats(long drafted, long accepted, long rounds, long emitted) {

    public SpeculationStats {
        if (drafted < 0 || accepted < 0 || rounds < 0 || emitted < 0 || accepted > drafted) {
            throw new IllegalArgumentException("need non-negative counts with accepted <= drafted, got " + drafted
                    + " drafted, " + accepted + " accepted, " + rounds + " rounds, " + emitted + " emitted");
        }
    }

    public static SpeculationStats none() {
        return new SpeculationStats(0, 0, 0, 0);
    }

    /** These counts plus one round that drafted {@code drafted} tokens and ended in {@code verdict}. */
    public SpeculationStats plus(int drafted, Verdict verdict) {
        return new SpeculationStats(this.drafted + drafted, accepted + verdict.accepted(), rounds + 1,
                emitted + verdict.emitted().length);
    }

    /** Accepted over drafted; 0 before anything was drafted. */
    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    /** Emitted over rounds; 1 would be plain decoding. */
    public double tokensPerRoundTrip() {
        return rounds == 0 ? 0 : (double) emitted / rounds;
    }

    public long roundTripsSaved() {
        return emitted - rounds;
    }

    /** One line for stderr at the end of a session. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "speculation: %d drafted, %d accepted (%.1f%%), %d tokens in %d round trips (%.2f per round trip), %d round trips saved",
                drafted, accepted, 100 * acceptanceRate(), emitted, rounds, tokensPerRoundTrip(), roundTripsSaved());
    }
}
