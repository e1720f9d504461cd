package org.farnode.app.link;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures what an emulator achieves over real loopback sockets. Both ends of one connection
 * through the emulator live in this process, so one-way delays are read off one
 * {@link System#nanoTime()} clock rather than halved from round trips, and each direction is
 * measured on its own (both at once: they are independent).
 * <ul>
 *   <li>delay: {@code probes} 8-byte timestamps, sent {@link #PROBE_SPACING} apart so none queues
 *       behind another; the median of (arrival − stamp), which a stray late wake-up cannot move.</li>
 *   <li>rate: a bulk transfer sized to last about {@code bulkDuration} at the set rate; the slope
 *       of bytes received against arrival time ({@link ArrivalLine}), which leaves the delay out.</li>
 * </ul>
 */
public final class LinkMeasurement {
    static final Duration PROBE_SPACING = Duration.ofMillis(5);
    /** Unlimited directions send this much: enough for a figure, little enough to be quick on loopback. */
    private static final long UNLIMITED_BULK_BYTES = 64L << 20;
    private static final int BULK_WRITE_BYTES = 64 * 1024;

    private LinkMeasurement() {
    }

    /** Starts an emulator with {@code settings} in front of an in-process target, measures it, and stops both. */
    public static LinkReport measure(LinkSettings settings, int probes, Duration bulkDuration)
            throws IOException, InterruptedException {
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be at least 1, got " + probes);
        }
        if (bulkDuration.isNegative() || bulkDuration.isZero()) {
            throw new IllegalArgumentException("bulk duration must be positive, got " + bulkDuration);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket target = new ServerSocket(0, 50, loopback);
             LinkEmulator emulator = LinkEmulator.start(loopback.getHostAddress(), 0,
                     new InetSocketAddress(loopback, target.getLocalPort()), settings);
             Socket client = new Socket();
             ExecutorService threads = Executors.newCachedThreadPool(LinkThreads::daemon)) {
            client.setTcpNoDelay(true);
            client.connect(emulator.address());
            try (Socket server = target.accept()) {
                server.setTcpNoDelay(true);
                warmUp(client, server, probes, threads);
                Future<double[]> upDelays = threads.submit(() -> probe(client, server, probes, threads));
                Future<double[]> downDelays = threads.submit(() -> probe(server, client, probes, threads));
                double upDelay = median(upDelays.get());
                double downDelay = median(downDelays.get());
                long upBytes = bulkBytes(settings.up(), bulkDuration);
                long downBytes = bulkBytes(settings.down(), bulkDuration);
                Future<Double> upRate = threads.submit(() -> bulkRate(client, server, upBytes, threads));
                Future<Double> downRate = threads.submit(() -> bulkRate(server, client, downBytes, threads));
                return new LinkReport(
                        new LinkReport.Direction("up", settings.up(), upDelay, probes, upRate.get(), upBytes),
                        new LinkReport.Direction("down", settings.down(), downDelay, probes, downRate.get(), downBytes));
            }
        } catch (ExecutionException e) {
            throw new IOException("link measurement failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * One discarded round of probes each way: the first bytes through a fresh emulator meet
     * cold code and threads (on a 2-core machine a just-compiled pipeline measured 2.5 ms late).
     */
    private static void warmUp(Socket client, Socket server, int probes, ExecutorService threads)
            throws ExecutionException, InterruptedException {
        Future<double[]> up = threads.submit(() -> probe(client, server, probes, threads));
        Future<double[]> down = threads.submit(() -> probe(server, client, probes, threads));
        up.get();
        down.get();
    }

    static long bulkBytes(OneWayLink link, Duration duration) {
        return link.unlimited() ? UNLIMITED_BULK_BYTES : Math.max(BULK_WRITE_BYTES, link.bytesIn(duration.toNanos()));
    }

    /** One-way delays in milliseconds of {@code count} timestamps written to {@code from} and read from {@code to}. */
    private static double[] probe(Socket from, Socket to, int count, ExecutorService threads) throws Exception {
        Future<Void> sender = threads.submit(() -> {
            DataOutputStream out = new DataOutputStream(from.getOutputStream());
            long next = System.nanoTime();
            for (int i = 0; i < count; i++) {
                LockSupport.parkNanos(next - System.nanoTime());
                out.writeLong(System.nanoTime());
                out.flush();
                next += PROBE_SPACING.toNanos();
            }
            return null;
        });
        DataInputStream in = new DataInputStream(to.getInputStream());
        double[] delays = new double[count];
        for (int i = 0; i < count; i++) {
            long sent = in.readLong();
            delays[i] = (System.nanoTime() - sent) / 1e6;
        }
        sender.get();
        return delays;
    }

    /** Sends {@code bytes} from {@code from} to {@code to}; returns the rate at which they arrived, in bit/s. */
    private static double bulkRate(Socket from, Socket to, long bytes, ExecutorService threads) throws Exception {
        Future<Void> sender = threads.submit(() -> {
            OutputStream out = from.getOutputStream();
            byte[] block = new byte[BULK_WRITE_BYTES];
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
            out.flush();
            return null;
        });
        InputStream in = to.getInputStream();
        byte[] buffer = new byte[BULK_WRITE_BYTES];
        ArrivalLine line = new ArrivalLine();
        long received = 0;
        while (received < bytes) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - received));
            if (n < 0) {
                throw new IOException("the connection ended after " + received + " of " + bytes + " bytes");
            }
            received += n;
            line.add(System.nanoTime(), received);
        }
        sender.get();
        return line.bytesPerSecond() * 8;
    }

    /**
     * The least-squares slope of bytes received against time, over every read. Through a paced
     * link the points lie on one line whose slope is the rate; a single late wake-up (the first
     * segments of a cold thread, say) moves one point, where a first-to-last ratio would take its
     * whole lateness out of the interval.
     */
    static final class ArrivalLine {
        private long origin;
        private int count;
        private double sumT;
        private double sumB;
        private double sumTT;
        private double sumTB;

        void add(long nanos, long totalBytes) {
            if (count == 0) {
                origin = nanos; // keeps the sums in a range where doubles stay exact enough
            }
            double t = (nanos - origin) / 1e9;
            count++;
            sumT += t;
            sumB += totalBytes;
            sumTT += t * t;
            sumTB += t * totalBytes;
        }

        /** NaN with fewer than two distinct times: no slope to speak of. */
        double bytesPerSecond() {
            double spread = count * sumTT - sumT * sumT;
            return count < 2 || spread <= 0 ? Double.NaN : (count * sumTB - sumT * sumB) / spread;
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
