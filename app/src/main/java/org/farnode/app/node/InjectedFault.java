package org.farnode.app.node;

import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import org.farnode.app.shard.HiddenStates;

/**
 * A deliberate misbehaviour, for tests and demonstrations of what the gateway does about faulty
 * nodes ({@code far node --fault}). After {@code afterWindows} honest windows, each later window
 * is struck with probability {@code rate}:
 * <ul>
 *   <li>{@link Kind#CORRUPT}: the output is changed before it is sent, by noise as large as the
 *       output itself at each position (what a broken GPU or a cheating node could return);</li>
 *   <li>{@link Kind#SLOW}: the answer waits {@code delay} first, holding up the node's compute thread;</li>
 *   <li>{@link Kind#DROP}: the window is computed into the cache but never answered.</li>
 * </ul>
 * Used only on the node's compute thread.
 */
public final class InjectedFault {
    /** How the node misbehaves. */
    public enum Kind {
        NONE, CORRUPT, SLOW, DROP;

        /** The kind named {@code name} ({@code corrupt}, {@code slow}, {@code drop}). */
        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind != NONE && kind.name().equalsIgnoreCase(name.strip())) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown fault '" + name + "'; the faults are corrupt, slow and drop");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final InjectedFault NONE = new InjectedFault(Kind.NONE, 0, 0, Duration.ZERO, 0);

    private final Kind kind;
    private final double rate;
    private final int afterWindows;
    private final Duration delay;
    private final SplittableRandom random;
    private long windowsSeen;

    private InjectedFault(Kind kind, double rate, int afterWindows, Duration delay, long seed) {
        this.kind = kind;
        this.rate = rate;
        this.afterWindows = afterWindows;
        this.delay = delay;
        this.random = new SplittableRandom(seed);
    }

    /** An honest node. */
    public static InjectedFault none() {
        return NONE;
    }

    /**
     * {@code kind} on a share {@code rate} (0 to 1) of the windows after the first {@code afterWindows};
     * {@code delay} is how long a {@link Kind#SLOW} answer waits; {@code seed} makes the choice of windows repeatable.
     *
     * @throws IllegalArgumentException for a rate outside (0, 1], a negative count, or a slow fault without a positive delay
     */
    public static InjectedFault of(Kind kind, double rate, int afterWindows, Duration delay, long seed) {
        if (kind == Kind.NONE) {
            return NONE;
        }
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("a fault's rate is the share of windows it strikes, above 0 and at most 1, got " + rate);
        }
        if (afterWindows < 0) {
            throw new IllegalArgumentException("the honest windows before a fault must be 0 or more, got " + afterWindows);
        }
        if (kind == Kind.SLOW && (delay.isNegative() || delay.isZero())) {
            throw new IllegalArgumentException("a slow fault needs a positive delay, got " + delay.toMillis() + " ms");
        }
        return new InjectedFault(kind, rate, afterWindows, delay, seed);
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Applies the fault to the window about to be answered with {@code output}: corrupts it in
     * place or holds the thread, as the fault says; returns false when the answer is to be dropped.
     */
    boolean applyToAnswer(HiddenStates output) {
        if (!strikesNextWindow()) {
            return true;
        }
        switch (kind) {
            case CORRUPT -> corrupt(output);
            case SLOW -> stall();
            case DROP -> {
                return false;
            }
            case NONE -> {
            }
        }
        return true;
    }

    /** Whether the window being answered now is struck; counts it. */
    private boolean strikesNextWindow() {
        if (kind == Kind.NONE) {
            return false;
        }
        windowsSeen++;
        return windowsSeen > afterWindows && random.nextDouble() < rate;
    }

    /** Adds to every value noise drawn with the root mean square of its position's values. */
    private void corrupt(HiddenStates output) {
        float[] values = output.values();
        int width = output.width();
        for (int p = 0; p < output.positions(); p++) {
            double squares = 0;
            for (int i = p * width; i < (p + 1) * width; i++) {
                squares += (double) values[i] * values[i];
            }
            double rms = Math.sqrt(squares / width);
            for (int i = p * width; i < (p + 1) * width; i++) {
                values[i] += (float) (rms * gaussian());
            }
        }
    }

    /** Holds the compute thread for the slow fault's delay. */
    private void stall() {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** E.g. {@code corrupt on 50% of windows after 10}. */
    public String describe() {
        if (kind == Kind.NONE) {
            return "none";
        }
        return kind + (kind == Kind.SLOW ? " (" + delay.toMillis() + " ms)" : "") + " on " + Math.round(rate * 100)
                + "% of windows after the first " + afterWindows;
    }
}
