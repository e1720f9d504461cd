package org.farnode.app.link;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One client connection and its connection to the target, joined by two paced pipes. Each
 * direction half-closes on its own; the sockets close when both ends have been delivered, or at
 * once when either side fails (a reset, or the emulator closing).
 */
final class ProxiedConnection implements AutoCloseable, PacedPipe.Listener {
    private final Socket client;
    private final Socket target;
    private final PacedPipe up;
    private final PacedPipe down;
    private final Consumer<ProxiedConnection> onClosed;
    private final AtomicInteger directionsDelivered = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxiedConnection(int id, Socket client, Socket target, LinkSettings settings, Consumer<ProxiedConnection> onClosed) {
        this.client = client;
        this.target = target;
        this.onClosed = onClosed;
        this.up = new PacedPipe("link-" + id + "-up", client, target, settings.up(), this);
        this.down = new PacedPipe("link-" + id + "-down", target, client, settings.down(), this);
    }

    /** Starts both pipes, unless the connection was closed already (an interrupt would not reach threads not yet started). */
    synchronized void start() {
        if (!closed.get()) {
            up.start();
            down.start();
        }
    }

    @Override
    public void delivered(PacedPipe pipe) {
        if (directionsDelivered.incrementAndGet() == 2) {
            close();
        }
    }

    @Override
    public void failed(PacedPipe pipe, Exception cause) {
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(client);
        closeQuietly(target);
        synchronized (this) {
            up.stop();
            down.stop();
        }
        onClosed.accept(this);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
