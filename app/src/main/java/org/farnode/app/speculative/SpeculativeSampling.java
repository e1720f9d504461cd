package org.farnode.app.speculative;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Speculative sampling (Leviathan et al. 2023; Chen et al. 2023): keeps the output distribution
 * exactly the target's whatever the drafter proposes. For drafted token x at position i, with
 * draft probability q_i(x) and target probability p_i(x) (p_i after the history and the drafts
 * before x): accept with probability min(1, p_i(x) / q_i(x)). At the first rejection, emit a token
 * drawn from the residual norm(max(0, p_i − q_i)) and stop; if all k stand, emit a bonus token
 * drawn from p_k. Why this is exact: a token y comes out at position i with probability
 * q(y)·min(1, p(y)/q(y)) + (1 − Σ_x min(q(x), p(x)))·max(0, p(y) − q(y)) / Σ_x max(0, p(x) − q(x))
 * = min(q(y), p(y)) + max(0, p(y) − q(y)) = p(y), since both normalizers equal Σ_x max(0, p(x) − q(x)).
 *
 * <p>A deterministic draft (prompt lookup) is the case q = point mass: x stands with probability
 * p(x), and a rejection draws from p without x. With greedy settings p is a point mass too and
 * the rule becomes {@link GreedyAcceptance}.
 */
public final class SpeculativeSampling {
    private SpeculativeSampling() {
    }

    /**
     * @param draft  d_1..d_k with their draft distributions
     * @param target p_0..p_k: {@code target[i]} is the target's distribution (see
     *               {@link TargetDistribution}) after the history and d_1..d_i
     * @param random the session's seeded generator; consumed one draw per decision
     */
    public static Verdict accept(Draft draft, double[][] target, RandomGenerator random) {
        int k = draft.length();
        if (target.length != k + 1) {
            throw new IllegalArgumentException("verifying " + k + " drafts needs " + (k + 1)
                    + " target distributions, got " + target.length);
        }
        int[] emitted = new int[k + 1];
        for (int i = 0; i < k; i++) {
            int x = draft.tokens()[i];
            double q = draft.probability(i, x);
            if (!(q > 0)) {
                throw new IllegalArgumentException("drafted token " + x + " at position " + i
                        + " has draft probability " + q + "; a drafter proposes only tokens it gives weight to");
            }
            double p = target[i][x];
            // u < p/q, written without the division; u in [0, 1) so p >= q always accepts.
            if (random.nextDouble() * q < p) {
                emitted[i] = x;
                continue;
            }
            emitted[i] = TargetDistribution.draw(residual(target[i], draft, i), random);
            return new Verdict(i, Arrays.copyOf(emitted, i + 1));
        }
        emitted[k] = TargetDistribution.draw(target[k], random);
        return new Verdict(k, emitted);
    }

    /**
     * max(0, p − q_i), unnormalized. A rejection means p(x) < q(x) for the drafted x, so some other
     * token has p > q and the residual has weight — except through rounding when p ≈ q, where p
     * itself is the right fallback (the residual of p = q is undefined, and p is what we keep).
     */
    private static double[] residual(double[] p, Draft draft, int position) {
        double[] residual = new double[p.length];
        double total = 0;
        for (int token = 0; token < p.length; token++) {
            residual[token] = Math.max(0, p[token] - draft.probability(position, token));
            total += residual[token];
        }
        return total > 0 ? residual : p;
    }
}
