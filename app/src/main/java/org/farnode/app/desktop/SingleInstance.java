package org.farnode.app.desktop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One app instance per user. The first takes a lock on a file in the app-data folder (the
 * operating system releases it when the process ends, however it ends, so a crash leaves no stale
 * lock) and listens on a loopback port written beside it. A later launch finds the lock taken,
 * tells the running instance to show itself through that port, and ends.
 */
public final class SingleInstance implements AutoCloseable {
    private static final String LOCK_FILE = "instance.lock";
    private static final String PORT_FILE = "instance.port";
    private static final String SHOW = "show";

    private final FileChannel channel;
    private final FileLock lock;
    private final ServerSocket listener;
    private final Thread acceptor;

    private SingleInstance(FileChannel channel, FileLock lock, ServerSocket listener, Runnable onShowRequest) {
        this.channel = channel;
        this.lock = lock;
        this.listener = listener;
        this.acceptor = Thread.ofPlatform().daemon().name("single-instance").start(() -> accept(onShowRequest));
    }

    /**
     * Becomes the instance for {@code folder}, or, when another process already is, asks it to
     * show itself and returns empty.
     *
     * @param onShowRequest runs (on a background thread) each time a later launch asks this instance to show itself
     */
    public static Optional<SingleInstance> claim(Path folder, Runnable onShowRequest) {
        try {
            Files.createDirectories(folder);
            FileChannel channel = FileChannel.open(folder.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it already
            }
            if (lock == null) {
                channel.close();
                askToShow(folder);
                return Optional.empty();
            }
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Files.writeString(folder.resolve(PORT_FILE), Integer.toString(listener.getLocalPort()));
            return Optional.of(new SingleInstance(channel, lock, listener, onShowRequest));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check for a running FAR Node in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void askToShow(Path folder) throws IOException {
        int port = Integer.parseInt(Files.readString(folder.resolve(PORT_FILE)).trim());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write((SHOW + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private void accept(Runnable onShowRequest) {
        while (!listener.isClosed()) {
            try (Socket caller = listener.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(caller.getInputStream(), StandardCharsets.US_ASCII))) {
                if (SHOW.equals(in.readLine())) {
                    onShowRequest.run();
                }
            } catch (IOException e) {
                // closed by close(), or a caller that hung up early: nothing to show
            }
        }
    }

    /** Gives up being the instance (the app is quitting). */
    @Override
    public void close() {
        try {
            listener.close();
            acceptor.join(2000);
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the single-instance lock: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
