package org.farnode.backend.ops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool that splits a range of independent items (matrix rows, attention heads)
 * among a fixed number of threads, the calling thread included.
 *
 * <p>A decode step runs about 150 matrix products of 50–500 µs each, so starting one must cost
 * microseconds, not the tens of microseconds of an executor hand-off. Workers therefore spin on a
 * job counter for {@link #SPIN_NANOS} after each job and only then park; the caller publishes a job
 * with one volatile write, works through items itself, and spins until the workers are done.
 *
 * <p>Items are handed out in chunks of {@code grain} from a shared counter, so a thread slowed by
 * another process on the machine simply takes fewer chunks. Which thread computes an item varies
 * from run to run; callers must therefore compute each item entirely within one task call, in an
 * order that does not depend on the range it was given. {@link CpuOps} does: every output element
 * is one row's dot product with a fixed summation order, so results are bit-identical for any
 * thread count.
 *
 * <p>Not reentrant: a task must not call {@link #forEach} itself. Concurrent callers are serialised.
 */
public final class ParallelRows implements AutoCloseable {
    /** How long an idle worker keeps spinning before it parks: longer than the gap between two matmuls. */
    private static final long SPIN_NANOS = 200_000;

    /** Work on items {@code [from, to)}; {@code worker} is in {@code [0, threads())}, 0 being the caller. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int worker, int from, int to);
    }

    private final Worker[] workers;
    private final AtomicInteger nextItem = new AtomicInteger();
    private final AtomicInteger unfinished = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;

    // The current job, published to the workers by the volatile write of generation.
    private RangeTask task;
    private int itemCount;
    private int grain;
    private volatile Throwable failure;

    /** A pool of {@code threads} threads in all: the caller plus {@code threads - 1} daemon workers. */
    public ParallelRows(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    /** Threads that share each job, the caller included. */
    public int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code task} over {@code [0, count)} in chunks of at most {@code grain} items and returns
     * when every item is done. Rethrows the first exception thrown by any task call.
     */
    public synchronized void forEach(int count, int grain, RangeTask task) {
        if (count <= 0) {
            return;
        }
        if (grain < 1) {
            throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        }
        if (closed) {
            throw new IllegalStateException("pool is closed");
        }
        if (workers.length == 0 || count <= grain) {
            task.run(0, 0, count);
            return;
        }
        this.task = task;
        this.itemCount = count;
        this.grain = grain;
        this.failure = null;
        nextItem.set(0);
        unfinished.set(workers.length);
        generation++;
        for (Worker worker : workers) {
            if (worker.parked) {
                LockSupport.unpark(worker.thread);
            }
        }
        try {
            takeChunks(0);
        } catch (Throwable t) {
            failure = t;
            nextItem.set(count);
        }
        while (unfinished.get() != 0) {
            Thread.onSpinWait();
        }
        this.task = null;
        Throwable thrown = failure;
        if (thrown != null) {
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            if (thrown instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(thrown);
        }
    }

    private void takeChunks(int worker) {
        RangeTask job = task;
        int count = itemCount;
        int step = grain;
        for (int from = nextItem.getAndAdd(step); from < count; from = nextItem.getAndAdd(step)) {
            job.run(worker, from, Math.min(count, from + step));
        }
    }

    /** Stops the workers; later calls to {@link #forEach} fail. */
    @Override
    public void close() {
        closed = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker.thread);
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        volatile boolean parked;
        /**
         * The generation before this worker's first job, read on the constructing thread: read on
         * the worker's own thread, a job published before it got scheduled would count as seen and
         * never run, and its caller would wait forever.
         */
        private final long startGeneration;

        Worker(int index) {
            this.index = index;
            this.startGeneration = generation;
            this.thread = new Thread(this, "far-cpu-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            long seen = startGeneration;
            while (!closed) {
                long current = awaitJob(seen);
                if (current == seen) {
                    continue;
                }
                // The caller publishes no newer job until this one's unfinished count reaches zero,
                // so current is exactly the job we are about to run.
                seen = current;
                try {
                    takeChunks(index);
                } catch (Throwable t) {
                    failure = t;
                    nextItem.set(itemCount);
                } finally {
                    unfinished.decrementAndGet();
                }
            }
        }

        /** Spins, then parks, until a job newer than {@code seen} is published; returns its generation ({@code seen} on close or spurious wake-up). */
        private long awaitJob(long seen) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            long current;
            while ((current = generation) == seen) {
                if (closed) {
                    return seen;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                // Announce the park before re-checking, so a job published meanwhile either is seen
                // here or finds parked set and unparks us.
                parked = true;
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
                return generation;
            }
            return current;
        }
    }
}
