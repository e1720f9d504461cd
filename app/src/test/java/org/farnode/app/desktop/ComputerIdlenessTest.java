package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idleness read from the real operating system: another process burning a core shows as others'
 * load, and it goes away when that process ends. This JVM's own work is left out.
 */
@Timeout(120)
class ComputerIdlenessTest {
    private static final Duration POLL_FOR = Duration.ofSeconds(10);
    private static final Duration POLL_EVERY = Duration.ofMillis(500);

    @Test
    void anotherProcessBurningACoreMakesTheComputerBusyUntilItEnds() throws Exception {
        ComputerIdleness idleness = ComputerIdleness.ofThisComputer();
        int cores = Runtime.getRuntime().availableProcessors();
        double oneCore = 1.0 / cores;
        idleness.othersCpuLoad(); // starts the interval the next reading covers
        Process burner = new ProcessBuilder(List.of("sh", "-c", "while :; do :; done")).start();
        double busy;
        try {
            busy = pollUntil(idleness, load -> load > 0.6 * oneCore);
            System.out.printf("idleness: with one of %d cores burnt by another process, others' load read %.2f%n", cores, busy);
            assertThat(busy).as("others' load with one of %d cores burnt", cores).isGreaterThan(0.6 * oneCore);
            Thread.sleep(POLL_EVERY); // a reading covers the time since the last one: give it some
            assertThat(idleness.isIdle(0.5 * oneCore)).as("idle while another process burns a core").isFalse();
        } finally {
            burner.destroyForcibly();
            assertThat(burner.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        double after = pollUntil(idleness, load -> load < 0.5 * oneCore);
        System.out.printf("idleness: after the process ended, others' load read %.2f%n", after);
        assertThat(after).as("others' load once the burner ended").isLessThan(0.5 * oneCore);
    }

    @Test
    void thisProcesssOwnWorkIsNotOthersLoad() throws Exception {
        ComputerIdleness idleness = ComputerIdleness.ofThisComputer();
        double oneCore = 1.0 / Runtime.getRuntime().availableProcessors();
        idleness.othersCpuLoad();
        Thread spinner = Thread.ofPlatform().daemon().start(() -> {
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) {
                x += System.nanoTime() % 7;
            }
            Blackhole.value = x;
        });
        try {
            Thread.sleep(2000);
            double load = idleness.othersCpuLoad().orElseThrow();
            System.out.printf("idleness: with a core burnt by this process, others' load read %.2f%n", load);
            assertThat(load).as("others' load while only this JVM burns a core").isLessThan(0.5 * oneCore);
        } finally {
            spinner.interrupt();
            spinner.join();
        }
    }

    @Test
    void othersLoadIsTheComputersLessThisProcesssAndUnknownWhereEitherIs() {
        assertThat(ComputerIdleness.othersLoad(0.75, 0.25)).contains(0.5);
        assertThat(ComputerIdleness.othersLoad(0.25, 0.3)).as("read a moment apart").contains(0.0);
        assertThat(ComputerIdleness.othersLoad(-1, 0.25)).isEmpty();
        assertThat(ComputerIdleness.othersLoad(0.5, -1)).isEmpty();
        assertThat(ComputerIdleness.othersLoad(Double.NaN, 0.1)).isEmpty();
    }

    @Test
    void aThresholdOutsideZeroToOneIsRefused() {
        ComputerIdleness idleness = ComputerIdleness.ofThisComputer();
        for (double wrong : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> idleness.isIdle(wrong)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0 to 1");
        }
        assertThat(ComputerIdleness.DEFAULT_THRESHOLD).isEqualTo(0.25);
    }

    /** Reads others' load every {@link #POLL_EVERY} until {@code wanted} holds or {@link #POLL_FOR} has passed; the last reading. */
    private static double pollUntil(ComputerIdleness idleness, DoublePredicate wanted) throws InterruptedException {
        long deadline = System.nanoTime() + POLL_FOR.toNanos();
        double load;
        do {
            Thread.sleep(POLL_EVERY);
            Optional<Double> reading = idleness.othersCpuLoad();
            assertThat(reading).as("this system reports CPU load").isPresent();
            load = reading.get();
        } while (!wanted.test(load) && System.nanoTime() < deadline);
        return load;
    }

    /** Keeps the spinner's sum alive, so the JIT cannot drop the loop. */
    private static final class Blackhole {
        static volatile long value;
    }
}
