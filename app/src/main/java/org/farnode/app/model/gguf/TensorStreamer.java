package org.farnode.app.model.gguf;

import org.farnode.backend.tensor.Quantize;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Streams tensor data to a channel with positional writes. Float rows are encoded in chunks of
 * rows on a pool of worker threads while this thread writes finished chunks; at most
 * {@code window} chunks (each about {@link #CHUNK_BYTES}) are in memory at once, whatever the
 * file size. Chunks are independent, so the pipeline runs across tensor boundaries.
 */
final class TensorStreamer implements AutoCloseable {
    static final int CHUNK_BYTES = 2 << 20;
    private static final int RAW_PIECE_BYTES = 64 << 20;

    private final FileChannel channel;
    private final ExecutorService workers;
    private final int window;
    private final Deque<Chunk> pending = new ArrayDeque<>();
    private final Deque<ByteBuffer> free = new ArrayDeque<>();

    private record Chunk(String tensor, Future<?> encoded, ByteBuffer buffer, long position) {
    }

    TensorStreamer(FileChannel channel, int threads) {
        this.channel = channel;
        this.workers = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().daemon().name("gguf-writer-", 0).factory());
        this.window = 2 * threads + 1;
    }

    /** Schedules the bytes of {@code info} to land at absolute file position {@code position}. */
    void write(GgufTensorInfo info, TensorSource source, long position) throws IOException {
        switch (source) {
            case TensorSource.Zeros _ -> {
                // Nothing to write: the gap reads as zeros (a hole where the file system allows).
            }
            case TensorSource.RawBytes raw -> writeRaw(raw.bytes(), position);
            case TensorSource.FloatRows rows -> writeRows(info, rows.rows(), position);
        }
    }

    private void writeRaw(MemorySegment bytes, long position) throws IOException {
        for (long done = 0; done < bytes.byteSize(); done += RAW_PIECE_BYTES) {
            long length = Math.min(RAW_PIECE_BYTES, bytes.byteSize() - done);
            writeFully(bytes.asSlice(done, length).asByteBuffer(), position + done);
        }
    }

    private void writeRows(GgufTensorInfo info, TensorSource.RowFunction function, long position) throws IOException {
        int rowLength = Math.toIntExact(info.shape()[0]);
        long rows = info.elementCount() / rowLength;
        int rowBytes = Math.toIntExact(info.type().bytesFor(rowLength));
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, CHUNK_BYTES / rowBytes));
        for (long first = 0; first < rows; first += rowsPerChunk) {
            if (pending.size() == window) {
                writeOldest();
            }
            long start = first;
            int count = (int) Math.min(rowsPerChunk, rows - first);
            ByteBuffer buffer = buffer(count * rowBytes);
            Future<?> encoded = workers.submit(() -> {
                MemorySegment out = MemorySegment.ofBuffer(buffer);
                float[] values = new float[rowLength];
                for (int r = 0; r < count; r++) {
                    function.fill(start + r, values);
                    Quantize.values(info.type(), values, 0, rowLength, out, (long) r * rowBytes);
                }
            });
            pending.add(new Chunk(info.name(), encoded, buffer, position + first * rowBytes));
        }
    }

    /** Writes every scheduled chunk. */
    void finish() throws IOException {
        while (!pending.isEmpty()) {
            writeOldest();
        }
    }

    private void writeOldest() throws IOException {
        Chunk chunk = pending.removeFirst();
        try {
            chunk.encoded().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("encoding tensor " + chunk.tensor() + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing tensor " + chunk.tensor(), e);
        }
        writeFully(chunk.buffer().position(0), chunk.position());
        free.add(chunk.buffer());
    }

    private ByteBuffer buffer(int bytes) {
        ByteBuffer buffer = free.poll();
        if (buffer == null || buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(Math.max(bytes, CHUNK_BYTES));
        }
        return buffer.clear().limit(bytes);
    }

    private void writeFully(ByteBuffer bytes, long position) throws IOException {
        long at = position;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    @Override
    public void close() {
        pending.forEach(chunk -> chunk.encoded().cancel(true));
        workers.shutdownNow();
    }
}
