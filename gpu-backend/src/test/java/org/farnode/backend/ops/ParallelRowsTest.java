package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelRowsTest {

    @Test
    void everyItemIsRunExactlyOnceAcrossManyJobs() {
        try (ParallelRows pool = new ParallelRows(3)) {
            for (int job = 0; job < 2000; job++) {
                int count = 1 + job % 97;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                pool.forEach(count, 1 + job % 5, (worker, from, to) -> {
                    assertThat(worker).isBetween(0, 2);
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertThat(runs.get(i)).as("job %d item %d", job, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aJobPublishedBeforeTheWorkersFirstRunIsStillTaken() {
        // A fresh pool gets its job at once, often before its worker threads have been scheduled.
        for (int pool = 0; pool < 300; pool++) {
            try (ParallelRows rows = new ParallelRows(3)) {
                AtomicIntegerArray runs = new AtomicIntegerArray(64);
                rows.forEach(64, 1, (worker, from, to) -> runs.incrementAndGet(from));
                for (int i = 0; i < 64; i++) {
                    assertThat(runs.get(i)).as("pool %d item %d", pool, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void jobsAfterWorkersHaveParkedStillComplete() throws InterruptedException {
        try (ParallelRows pool = new ParallelRows(2)) {
            for (int job = 0; job < 3; job++) {
                Thread.sleep(5); // far past the spin time, so the worker is parked
                AtomicIntegerArray runs = new AtomicIntegerArray(100);
                pool.forEach(100, 1, (worker, from, to) -> runs.incrementAndGet(from));
                for (int i = 0; i < 100; i++) {
                    assertThat(runs.get(i)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailingTaskIsRethrownToTheCallerAndThePoolStaysUsable() {
        try (ParallelRows pool = new ParallelRows(2)) {
            assertThatThrownBy(() -> pool.forEach(64, 1, (worker, from, to) -> {
                if (from == 40) {
                    throw new IllegalStateException("row 40 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("row 40 failed");
            AtomicIntegerArray runs = new AtomicIntegerArray(64);
            pool.forEach(64, 1, (worker, from, to) -> runs.incrementAndGet(from));
            assertThat(runs.get(63)).isEqualTo(1);
        }
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() {
        assertThatThrownBy(() -> new ParallelRows(0)).hasMessageContaining("threads");
        ParallelRows pool = new ParallelRows(2);
        assertThatThrownBy(() -> pool.forEach(10, 0, (w, f, t) -> { })).hasMessageContaining("grain");
        pool.close();
        assertThatThrownBy(() -> pool.forEach(10, 1, (w, f, t) -> { })).isInstanceOf(IllegalStateException.class);
    }
}
