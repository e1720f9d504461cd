package org.farnode.app.speculative;

/**
 * Pearson's goodness-of-fit test for the distribution tests: the statistic
 * Σ (observed − expected)² / expected over the cells with expected probability > 0, compared with
 * the chi-square distribution with (those cells − 1) degrees of freedom. A count in a cell of
 * probability 0 is an outright failure (infinite statistic). The tail probability comes from the
 * regularized upper incomplete gamma function Q(df/2, x/2), computed by its power series below
 * x = a + 1 and by its continued fraction above (the usual split, where each converges fast).
 */
final class ChiSquare {
    /** The significance level every distribution test uses. */
    static final double ALPHA = 0.001;

    private ChiSquare() {
    }

    record Result(double statistic, int degreesOfFreedom, double pValue) {
        boolean rejects(double alpha) {
            return pValue < alpha;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "chi2 = %.3f, df = %d, p-value = %.4g", statistic, degreesOfFreedom, pValue);
        }
    }

    static Result test(long[] observed, double[] expectedProbabilities) {
        long trials = 0;
        for (long count : observed) {
            trials += count;
        }
        double statistic = 0;
        int cells = 0;
        for (int cell = 0; cell < observed.length; cell++) {
            double expected = trials * expectedProbabilities[cell];
            if (expectedProbabilities[cell] == 0) {
                if (observed[cell] != 0) {
                    statistic = Double.POSITIVE_INFINITY;
                }
                continue;
            }
            cells++;
            double difference = observed[cell] - expected;
            statistic += difference * difference / expected;
        }
        int df = cells - 1;
        return new Result(statistic, df, upperTail(statistic, df));
    }

    /** P(X ≥ x) for X chi-square with {@code df} degrees of freedom. */
    static double upperTail(double x, int df) {
        if (Double.isInfinite(x)) {
            return 0;
        }
        return regularizedUpperGamma(df / 2.0, x / 2);
    }

    private static double regularizedUpperGamma(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        double logPrefactor = a * Math.log(x) - x - logGammaOfHalfInteger(a);
        if (x < a + 1) {
            // P(a, x) = e^-x x^a / Γ(a) · Σ_n x^n / (a (a+1) ... (a+n))
            double term = 1 / a;
            double sum = term;
            for (int n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
                term *= x / (a + n);
                sum += term;
            }
            return 1 - Math.exp(logPrefactor) * sum;
        }
        // Q(a, x) = e^-x x^a / Γ(a) · 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))), by modified Lentz.
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double fraction = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double step = d * c;
            fraction *= step;
            if (Math.abs(step - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(logPrefactor) * fraction;
    }

    /** ln Γ(a) for a = df/2, exact by Γ(a + 1) = a Γ(a) from Γ(1/2) = √π or Γ(1) = 1. */
    private static double logGammaOfHalfInteger(double a) {
        double value = (a * 2) % 2 == 1 ? 0.5 * Math.log(Math.PI) : 0;
        for (double z = (a * 2) % 2 == 1 ? 0.5 : 1; z < a; z++) {
            value += Math.log(z);
        }
        return value;
    }
}
