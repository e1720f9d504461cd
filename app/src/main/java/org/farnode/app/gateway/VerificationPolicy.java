package org.farnode.app.gateway;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How much of a hop's work the gateway checks: each window is also computed by a second node
 * serving the same layers with probability {@code fraction}, and the two results must agree within
 * {@code tolerance} ({@link ResultComparison}). A node that disagrees and is then outvoted by a
 * third is banned for {@code banFor}.
 *
 * @param fraction  share of windows checked, 0 (none) to 1 (every one)
 * @param width     the model's hidden width, to decode the results being compared
 * @param tolerance largest relative difference two honest results may show; see {@link ResultComparison#toleranceFor}
 * @param banFor    how long an outvoted node is kept out of routes
 * @param choice    draws the windows to check; unpredictable by default, so a node cannot tell which of its answers are checked
 */
public record VerificationPolicy(double fraction, int width, double tolerance, Duration banFor, RandomGenerator choice) {
    public static final Duration DEFAULT_BAN = Duration.ofMinutes(30);

    public VerificationPolicy {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the verification fraction is the share of windows checked, 0 to 1, got " + fraction);
        }
        if (fraction > 0 && width < 1) {
            throw new IllegalArgumentException("verification needs the model's hidden width, got " + width);
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("the verification tolerance is a relative difference above 0 and below 1, got "
                    + tolerance);
        }
        if (banFor.isNegative() || banFor.isZero()) {
            throw new IllegalArgumentException("a ban must last a positive time, got " + banFor);
        }
    }

    /** No window is checked. */
    public static VerificationPolicy off() {
        return new VerificationPolicy(0, 0, 0.5, DEFAULT_BAN, new SecureRandom());
    }

    /** {@code fraction} of windows checked, within the default tolerance of {@code codecName}. */
    public static VerificationPolicy of(double fraction, int width, String codecName) {
        return new VerificationPolicy(fraction, width, ResultComparison.toleranceFor(codecName), DEFAULT_BAN, new SecureRandom());
    }

    public boolean enabled() {
        return fraction > 0;
    }

    /** Whether the next window is to be checked. */
    boolean selectsNext() {
        return fraction >= 1 || (fraction > 0 && choice.nextDouble() < fraction);
    }

    /** This policy drawing its windows with {@code choice} (a seeded generator makes runs repeatable). */
    public VerificationPolicy withChoice(RandomGenerator newChoice) {
        return new VerificationPolicy(fraction, width, tolerance, banFor, newChoice);
    }
}
