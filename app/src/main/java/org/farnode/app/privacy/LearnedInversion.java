package org.farnode.app.privacy;

import java.util.List;
import org.farnode.app.shard.HiddenStates;

/**
 * The learned-inversion attack: a linear decoder from a received vector to the token at its
 * position, fitted by ridge regression on states the attacker produced itself from a text of its
 * own (it has the weights and the codec, and knows the noise the gateway adds). Linear and per
 * position, so it is a floor for what a learned attack does, not a ceiling.
 */
public final class LearnedInversion {
    /** The penalties tried, as shares of the average feature's sum of squares ({@link RidgeRegression#fit}). */
    static final double[] LAMBDAS = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};
    /** Every this-many-th training window is held back to choose λ. */
    private static final int VALIDATION_EVERY = 5;

    private final LinearDecoder decoder;
    private final double lambda;
    private final double validationTokenRate;

    private LearnedInversion(LinearDecoder decoder, double lambda, double validationTokenRate) {
        this.decoder = decoder;
        this.lambda = lambda;
        this.validationTokenRate = validationTokenRate;
    }

    /**
     * Trains on {@code received} windows whose tokens are {@code tokens} (every position is a
     * sample): λ is the one of {@link #LAMBDAS} that names most tokens of every fifth window when
     * fitted on the others (ties go to the larger λ), then the decoder is fitted on all windows.
     */
    public static LearnedInversion train(List<HiddenStates> received, List<int[]> tokens, int vocabulary) {
        if (received.size() != tokens.size() || received.size() < VALIDATION_EVERY) {
            throw new IllegalArgumentException("training needs at least " + VALIDATION_EVERY + " windows, each with its tokens; got "
                    + received.size() + " windows and " + tokens.size() + " token arrays");
        }
        int width = received.getFirst().width();
        RidgeRegression fitting = new RidgeRegression(width, vocabulary);
        RidgeRegression all = new RidgeRegression(width, vocabulary);
        for (int w = 0; w < received.size(); w++) {
            HiddenStates window = received.get(w);
            for (int p = 0; p < window.positions(); p++) {
                all.add(window.values(), p * width, tokens.get(w)[p]);
                if (w % VALIDATION_EVERY != 0) {
                    fitting.add(window.values(), p * width, tokens.get(w)[p]);
                }
            }
        }
        double bestLambda = Double.NaN;
        double bestRate = -1;
        for (double lambda : LAMBDAS) {
            LinearDecoder candidate = fitting.fit(lambda);
            RecoveryTally tally = new RecoveryTally();
            for (int w = 0; w < received.size(); w += VALIDATION_EVERY) {
                tally.add(tokens.get(w), predict(candidate, received.get(w)));
            }
            if (tally.tokenRate() >= bestRate) {
                bestRate = tally.tokenRate();
                bestLambda = lambda;
            }
        }
        return new LearnedInversion(all.fit(bestLambda), bestLambda, bestRate);
    }

    /** The token the decoder names at each position of {@code received}. */
    public int[] recover(HiddenStates received) {
        return predict(decoder, received);
    }

    /** The chosen penalty, as a share of the average feature's sum of squares. */
    public double lambda() {
        return lambda;
    }

    /** The token rate with that λ on the held-back training windows. */
    public double validationTokenRate() {
        return validationTokenRate;
    }

    private static int[] predict(LinearDecoder decoder, HiddenStates received) {
        int[] tokens = new int[received.positions()];
        for (int p = 0; p < tokens.length; p++) {
            tokens[p] = decoder.predict(received.values(), p * received.width());
        }
        return tokens;
    }
}
