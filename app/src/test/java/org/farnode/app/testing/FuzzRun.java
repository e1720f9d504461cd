package org.farnode.app.testing;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a fuzz target for a time budget rather than a fixed number of inputs, so CI can give all
 * targets together a bounded time and a developer can run them for an hour. Three system
 * properties steer it (surefire hands {@code mvn -D…} properties on to the tests' JVM):
 * <ul>
 *   <li>{@code far.fuzz.seconds}: how long each target runs (default {@value #DEFAULT_SECONDS});</li>
 *   <li>{@code far.fuzz.seed}: where the targets' inputs start (default {@value #DEFAULT_SEED});</li>
 *   <li>{@code far.fuzz.input}: run just this one input of each target, to reproduce a failure.</li>
 * </ul>
 * Input {@code i} of a target is drawn from a generator seeded by the seed, the target's name and
 * {@code i} alone, so a failure names the three and any run reproduces it, however long the run
 * that found it lasted. Each input has {@link #INPUT_DEADLINE} to finish; one that takes longer
 * fails the target as a hang, and the other tests go on (the stuck thread is a daemon). Every target
 * prints its name, the inputs it ran and the seed.
 */
public final class FuzzRun {
    public static final String SECONDS_PROPERTY = "far.fuzz.seconds";
    public static final String SEED_PROPERTY = "far.fuzz.seed";
    public static final String INPUT_PROPERTY = "far.fuzz.input";
    public static final int DEFAULT_SECONDS = 8;
    public static final long DEFAULT_SEED = 1;
    /**
     * Four times the slowest input seen: 7.5 s, a connection of {@code NodeMessageFuzzTest} (up to
     * 30 messages, windows of up to 2,048 positions) on a 2-core machine that other builds kept
     * at a load of about 10.
     */
    public static final Duration INPUT_DEADLINE = Duration.ofSeconds(30);

    /** One input of a target: draws what it feeds from {@code random} and throws when the code under test misbehaves. */
    @FunctionalInterface
    public interface Input {
        void run(SplittableRandom random) throws Exception;
    }

    /** What a finished run did, as printed. */
    public record Report(String target, long inputs, Duration elapsed, Duration slowestInput, long seed) {
        @Override
        public String toString() {
            return String.format("fuzz %s: %,d inputs in %.1f s (slowest %d ms), seed %d", target, inputs,
                    elapsed.toMillis() / 1000.0, slowestInput.toMillis(), seed);
        }
    }

    private FuzzRun() {
    }

    /** How long each target runs. */
    public static Duration budget() {
        String seconds = System.getProperty(SECONDS_PROPERTY, String.valueOf(DEFAULT_SECONDS));
        try {
            double value = Double.parseDouble(seconds.trim());
            if (value > 0) {
                return Duration.ofMillis((long) (value * 1000));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(SECONDS_PROPERTY + " must be a positive number of seconds, got '" + seconds + "'");
    }

    public static long seed() {
        return Long.parseLong(System.getProperty(SEED_PROPERTY, String.valueOf(DEFAULT_SEED)).trim());
    }

    /** Runs {@code input} over fresh inputs of {@code target} until the budget is spent; fails on the first input that fails or hangs. */
    public static Report run(String target, Input input) {
        long seed = seed();
        String only = System.getProperty(INPUT_PROPERTY);
        long first = only == null ? 0 : Long.parseLong(only.trim());
        long last = only == null ? Long.MAX_VALUE : first;
        long budgetNanos = budget().toNanos();
        Progress progress = new Progress();
        ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "fuzz " + target);
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<?> inputs = worker.submit(() -> {
                long start = System.nanoTime();
                for (long i = first; i <= last && (i == first || System.nanoTime() - start < budgetNanos); i++) {
                    progress.starting(i);
                    try {
                        input.run(new SplittableRandom(inputSeed(seed, target, i)));
                    } catch (Throwable e) {
                        throw new AssertionError(target + ": input " + i + " failed: " + e + reproduce(seed, i), e);
                    }
                    progress.finished();
                }
                return null;
            });
            long start = System.nanoTime();
            while (true) {
                try {
                    inputs.get(50, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    long running = progress.runningNanos();
                    if (running > INPUT_DEADLINE.toNanos()) {
                        inputs.cancel(true);
                        throw new AssertionError(target + ": input " + progress.index + " hangs: still running after "
                                + running / 1_000_000 + " ms" + reproduce(seed, progress.index));
                    }
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError failure ? failure : new AssertionError(e.getCause());
                }
            }
            Report report = new Report(target, progress.done, Duration.ofNanos(System.nanoTime() - start),
                    Duration.ofNanos(progress.slowestNanos), seed);
            System.out.println(report);
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(target + " was interrupted", e);
        } finally {
            worker.shutdownNow();
        }
    }

    private static String reproduce(long seed, long index) {
        return " (reproduce with -D" + SEED_PROPERTY + "=" + seed + " -D" + INPUT_PROPERTY + "=" + index + ")";
    }

    /** A seed for input {@code index} of {@code target} that depends on nothing else (SplittableRandom's mix, applied twice). */
    static long inputSeed(long seed, String target, long index) {
        return mix(mix(seed ^ mix(target.hashCode())) + index);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** What the watching thread needs to see of the worker's loop. */
    private static final class Progress {
        volatile long index = -1;
        volatile long startedNanos;
        volatile boolean running;
        volatile long done;
        volatile long slowestNanos;

        void starting(long i) {
            index = i;
            startedNanos = System.nanoTime();
            running = true;
        }

        void finished() {
            long took = System.nanoTime() - startedNanos;
            running = false;
            done++;
            slowestNanos = Math.max(slowestNanos, took);
        }

        long runningNanos() {
            return running ? System.nanoTime() - startedNanos : 0;
        }
    }
}
