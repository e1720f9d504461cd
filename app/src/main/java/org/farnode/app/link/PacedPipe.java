package org.farnode.app.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * One direction of one proxied connection. A reader takes bytes off the source socket, stamps
 * them with {@link System#nanoTime()} and cuts them into segments that a {@link LinkSchedule}
 * gives a release time; a writer delivers each segment to the destination no earlier than that
 * time. Deadlines are absolute, so a late wake-up delays one segment and never the ones behind it.
 * End of stream travels like data (behind every byte read before it) and half-closes the destination.
 */
final class PacedPipe {
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Segments no smaller than a typical Ethernet payload, so slow links are paced packet by packet. */
    private static final int MIN_SEGMENT_BYTES = 1460;
    /** Beyond the delay, how much queueing the link buffers before the source feels back-pressure. */
    private static final long QUEUE_NANOS = 100_000_000L;
    private static final int MIN_BUFFER_BYTES = 256 * 1024;
    /** An unlimited link still holds its in-flight bytes in memory for the delay: bound them. */
    private static final int UNLIMITED_BUFFER_BYTES = 64 * 1024 * 1024;

    private record Segment(byte[] bytes, long releaseNanos) {
        static Segment end(long releaseNanos) {
            return new Segment(null, releaseNanos);
        }

        boolean isEnd() {
            return bytes == null;
        }
    }

    /** What the pipe tells its connection. */
    interface Listener {
        /** End of stream was delivered and the destination half-closed. */
        void delivered(PacedPipe pipe);

        /** A socket failed (reset, closed under us): the connection should close both ways. */
        void failed(PacedPipe pipe, Exception cause);
    }

    private final String name;
    private final Socket from;
    private final Socket to;
    private final LinkSchedule schedule;
    private final int segmentBytes;
    /** Bytes read but not yet delivered; the reader waits for room, which is the link's buffer. */
    private final Semaphore buffer;
    private final BlockingQueue<Segment> queue = new LinkedBlockingQueue<>();
    private final Listener listener;
    private final Thread reader;
    private final Thread writer;

    PacedPipe(String name, Socket from, Socket to, OneWayLink link, Listener listener) {
        this.name = name;
        this.from = from;
        this.to = to;
        this.schedule = new LinkSchedule(link);
        this.listener = listener;
        // About a millisecond of serialization per segment: fine-grained pacing without a write per 1460 bytes at 1 Gbit/s.
        this.segmentBytes = (int) Math.clamp(link.bytesIn(1_000_000L), MIN_SEGMENT_BYTES, READ_BUFFER_BYTES);
        this.buffer = new Semaphore((int) Math.clamp(link.bytesIn(link.delayNanos() + QUEUE_NANOS),
                MIN_BUFFER_BYTES, UNLIMITED_BUFFER_BYTES));
        // Final and made here, so stop() sees both threads whichever thread calls it.
        this.reader = LinkThreads.unstarted(name + "-read", this::readLoop);
        this.writer = LinkThreads.unstarted(name + "-write", this::writeLoop);
    }

    void start() {
        reader.start();
        writer.start();
    }

    /** Stops both (started) threads; the connection closes the sockets. */
    void stop() {
        reader.interrupt();
        writer.interrupt();
    }

    private void readLoop() {
        byte[] chunk = new byte[READ_BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            for (int n; (n = in.read(chunk)) >= 0; ) {
                buffer.acquire(n);
                long arrived = System.nanoTime();
                for (int offset = 0; offset < n; offset += segmentBytes) {
                    int length = Math.min(segmentBytes, n - offset);
                    queue.put(new Segment(Arrays.copyOfRange(chunk, offset, offset + length),
                            schedule.releaseNanos(arrived, length)));
                }
            }
            queue.put(Segment.end(schedule.releaseNanos(System.nanoTime(), 0)));
        } catch (IOException | InterruptedException e) {
            listener.failed(this, e);
        }
    }

    private void writeLoop() {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Segment segment = queue.take();
                sleepUntil(segment.releaseNanos());
                if (segment.isEnd()) {
                    to.shutdownOutput();
                    listener.delivered(this);
                    return;
                }
                out.write(segment.bytes());
                buffer.release(segment.bytes().length);
            }
        } catch (IOException | InterruptedException e) {
            listener.failed(this, e);
        }
    }

    /** Parks until {@code deadline}; parkNanos may wake early (spuriously) or late, never loses the deadline. */
    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        for (long left; (left = deadlineNanos - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
