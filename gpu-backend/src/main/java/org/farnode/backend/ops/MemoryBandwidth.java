package org.farnode.backend.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's sequential read bandwidth from main memory: the ceiling for decoding, which
 * streams every weight once per token. {@code far bench} reports kernel speeds as a share of it.
 *
 * <p>{@link #measure} reads an off-heap buffer much larger than any cache with {@code threads}
 * threads, in chunks of {@value #CHUNK_BYTES} bytes handed out like matmul rows, using the widest
 * vector loads; the buffer is written once first so that page faults are not timed. The best of
 * several passes is kept, since other processes can only make a pass slower.
 *
 * @param gigabytesPerSecond best pass, in 10^9 bytes per second
 * @param threads            threads that read, the caller included
 * @param bufferBytes        bytes read per pass
 * @param passes             passes timed
 */
public record MemoryBandwidth(double gigabytesPerSecond, int threads, long bufferBytes, int passes) {
    /** Default buffer: 1 GiB, far past the largest last-level caches. */
    public static final long DEFAULT_BUFFER_BYTES = 1L << 30;
    public static final int DEFAULT_PASSES = 5;
    private static final int CHUNK_BYTES = 4 << 20;

    public MemoryBandwidth {
        if (threads < 1 || bufferBytes < CHUNK_BYTES || passes < 1) {
            throw new IllegalArgumentException("threads " + threads + ", buffer " + bufferBytes + " bytes, passes "
                    + passes + ": need threads ≥ 1, buffer ≥ " + CHUNK_BYTES + " bytes, passes ≥ 1");
        }
    }

    /** Measures with a 1 GiB buffer and the best of five passes. */
    public static MemoryBandwidth measure(int threads) {
        return measure(threads, DEFAULT_BUFFER_BYTES, DEFAULT_PASSES);
    }

    /** Measures with {@code bufferBytes} (rounded down to whole 4 MiB chunks) and the best of {@code passes} passes. */
    public static MemoryBandwidth measure(int threads, long bufferBytes, int passes) {
        int chunks = Math.toIntExact(bufferBytes / CHUNK_BYTES);
        long bytes = (long) chunks * CHUNK_BYTES;
        long[] sinks = new long[threads]; // where the sums go, so the reads cannot be optimised away
        double best = 0;
        try (Arena arena = Arena.ofShared(); ParallelRows pool = new ParallelRows(threads)) {
            MemorySegment buffer = arena.allocate(bytes, 64);
            for (long i = 0; i < bytes; i += 8) {
                buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i);
            }
            boolean vectors = CpuOps.vectorsAvailable();
            for (int pass = 0; pass <= passes; pass++) {
                long start = System.nanoTime();
                pool.forEach(chunks, 1, (worker, from, to) -> {
                    for (int c = from; c < to; c++) {
                        long offset = (long) c * CHUNK_BYTES;
                        sinks[worker] += vectors ? VectorRead.sum(buffer, offset, CHUNK_BYTES)
                                : scalarSum(buffer, offset, CHUNK_BYTES);
                    }
                });
                double seconds = (System.nanoTime() - start) / 1e9;
                if (pass > 0) { // pass 0 warms up the JIT
                    best = Math.max(best, bytes / seconds / 1e9);
                }
            }
        }
        return new MemoryBandwidth(best, threads, bytes, passes);
    }

    private static long scalarSum(MemorySegment data, long offset, long length) {
        long a = 0;
        long b = 0;
        for (long i = offset; i < offset + length; i += 16) {
            a += data.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
            b += data.get(ValueLayout.JAVA_LONG_UNALIGNED, i + 8);
        }
        return a + b;
    }

    @Override
    public String toString() {
        return String.format("%.1f GB/s sequential read (%d threads, %d MiB, best of %d)",
                gigabytesPerSecond, threads, bufferBytes >> 20, passes);
    }

    /** The vector reader, in its own class so the Vector API is loaded only where present. */
    private static final class VectorRead {
        private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

        static long sum(MemorySegment data, long offset, long length) {
            long step = LONGS.vectorByteSize();
            LongVector a = LongVector.zero(LONGS);
            LongVector b = LongVector.zero(LONGS);
            LongVector c = LongVector.zero(LONGS);
            LongVector d = LongVector.zero(LONGS);
            for (long i = offset; i < offset + length; i += 4 * step) {
                a = a.add(LongVector.fromMemorySegment(LONGS, data, i, ByteOrder.LITTLE_ENDIAN));
                b = b.add(LongVector.fromMemorySegment(LONGS, data, i + step, ByteOrder.LITTLE_ENDIAN));
                c = c.add(LongVector.fromMemorySegment(LONGS, data, i + 2 * step, ByteOrder.LITTLE_ENDIAN));
                d = d.add(LongVector.fromMemorySegment(LONGS, data, i + 3 * step, ByteOrder.LITTLE_ENDIAN));
            }
            return a.add(b).add(c).add(d).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        }
    }
}
