package org.farnode.app.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.farnode.backend.Backend;
import org.farnode.backend.ops.Ops;

/**
 * Independent pieces of work (a prompt, a setting) shared out among threads that each own
 * single-threaded CPU ops. The audit is many small matrix products, where a pool of threads per
 * product costs more in hand-offs than it saves (a one-off timing of the noise cost of one setting
 * on stories260K, on a 2-core machine: 4.3 s on ops of 2 threads, 0.5 s on ops of one).
 */
final class OwnThreads {
    /** One piece of work, with the state its thread made once from its own ops. */
    @FunctionalInterface
    interface Task<S> {
        void run(S state, int index);
    }

    private final int threads;

    OwnThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code task} for every index of {@code [0, count)}; each thread first makes its state
     * with {@code perThread} from its own ops. {@code onDone} hears the number of pieces done so far.
     */
    <S> void forEach(int count, Function<Ops, S> perThread, Task<S> task, java.util.function.IntConsumer onDone) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < Math.min(threads, count); t++) {
                workers.add(pool.submit(() -> {
                    try (Backend own = Backend.cpu(1)) {
                        S state = perThread.apply(own.ops());
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            task.run(state, i);
                            onDone.accept(done.incrementAndGet());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
