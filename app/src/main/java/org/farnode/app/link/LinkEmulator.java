package org.farnode.app.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy that behaves like a WAN hop: every connection accepted on its port is forwarded to
 * one target, each direction delayed and rate-limited as its {@link OneWayLink} says. The rate
 * counts TCP payload bytes (what an application sees), not headers. The TCP handshake itself is
 * not delayed; the bytes and the closes are.
 */
public final class LinkEmulator implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final LinkSettings settings;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private LinkEmulator(ServerSocket server, InetSocketAddress target, LinkSettings settings) {
        this.server = server;
        this.target = target;
        this.settings = settings;
        this.acceptor = LinkThreads.start("link-accept-" + server.getLocalPort(), this::acceptLoop);
    }

    /** Listens on {@code host:port} (0 picks a free port) and forwards to {@code target}. */
    public static LinkEmulator start(String host, int port, InetSocketAddress target, LinkSettings settings) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen port must be 0..65535, got " + port);
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new LinkEmulator(server, target, settings);
    }

    /** The address clients connect to. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public InetSocketAddress target() {
        return target;
    }

    public LinkSettings settings() {
        return settings;
    }

    /** Connections accepted so far. */
    public int connectionsAccepted() {
        return connectionCount.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                int id = connectionCount.incrementAndGet();
                LinkThreads.start("link-connect-" + id, () -> connect(id, client));
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException("link emulator stopped accepting on " + address(), e);
                }
            }
        }
    }

    private void connect(int id, Socket client) {
        Socket upstream = new Socket();
        try {
            // Nagle's algorithm would hold small writes back by up to a round trip: the emulator adds only what it is told to.
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        ProxiedConnection connection = new ProxiedConnection(id, client, upstream, settings, connections::remove);
        connections.add(connection);
        if (closed) {
            connection.close(); // close() ran between accept and here and did not see this one
            return;
        }
        connection.start();
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (ProxiedConnection connection : connections) {
            connection.close();
        }
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is all we wanted
        }
    }
}
