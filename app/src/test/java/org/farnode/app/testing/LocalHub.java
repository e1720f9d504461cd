package org.farnode.app.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Hugging Face Hub on loopback, in the hub's URL layout: the tree API
 * ({@code /api/models/OWNER/NAME/tree/REV}) and file URLs ({@code /OWNER/NAME/resolve/REV/PATH}).
 * LFS files are redirected to a second server, the "CDN", as the real hub does; both honour
 * {@code Range: bytes=N-}. Switches make it fail the way a real transfer can: cut the connection
 * after some bytes, flip a byte, ignore ranges, answer every hub request with an error status.
 */
public final class LocalHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TREE = Pattern.compile("/api/models/([^/]+/[^/]+)/tree/([^/]+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** One request either server received. */
    public record Request(String server, String path, String range, String authorization) {
    }

    private record Stored(byte[] content, boolean lfs) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Map<String, Stored>> repos = new ConcurrentHashMap<>();
    private final Map<String, Stored> lfsObjects = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile long cutAfterBytes = -1;
    private volatile long corruptOffset = -1;
    private volatile boolean ignoreRange;
    private volatile int failStatus;
    private volatile String failErrorCode;
    private volatile int pageSize = Integer.MAX_VALUE;

    private LocalHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(loopback, 0);
        cdn = HttpServer.create(loopback, 0);
        hub.createContext("/", exchange -> handle("hub", exchange));
        cdn.createContext("/", exchange -> handle("cdn", exchange));
        hub.start();
        cdn.start();
    }

    public static LocalHub start() throws IOException {
        return new LocalHub();
    }

    public URI endpoint() {
        return uriOf(hub);
    }

    /** Adds a file to repository {@code owner/name}; an LFS file is listed with its SHA-256 and served from the CDN. */
    public LocalHub addFile(String repo, String path, byte[] content, boolean lfs) {
        Stored stored = new Stored(content.clone(), lfs);
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(path, stored);
        if (lfs) {
            lfsObjects.put(sha256(content), stored);
        }
        return this;
    }

    /** The next file transfer (from either server) drops its connection once it has sent this many bytes. */
    public void cutNextTransferAfter(long bytes) {
        cutAfterBytes = bytes;
    }

    /** Every transfer from now on serves the byte at this file offset flipped. */
    public void corruptByteAt(long offset) {
        corruptOffset = offset;
    }

    /** Answer range requests with the whole file (200), as some servers and proxies do. */
    public void ignoreRange(boolean ignore) {
        ignoreRange = ignore;
    }

    /** Every hub request (listing and files) is answered with this status and {@code X-Error-Code}; 0 to stop. */
    public void failWith(int status, String errorCode) {
        failStatus = status;
        failErrorCode = errorCode;
    }

    /** At most this many entries per page of the tree API; the rest follow through {@code Link: rel="next"}. */
    public void pageSize(int entries) {
        pageSize = entries;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }

    private void handle(String server, HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(server, exchange.getRequestURI().toString(), exchange.getRequestHeaders().getFirst("Range"),
                exchange.getRequestHeaders().getFirst("Authorization")));
        try (exchange) {
            if (server.equals("hub") && failStatus != 0) {
                if (failErrorCode != null) {
                    exchange.getResponseHeaders().set("X-Error-Code", failErrorCode);
                }
                sendText(exchange, failStatus, "{\"error\":\"failing on purpose\"}");
                return;
            }
            Matcher tree = TREE.matcher(path);
            Matcher resolve = RESOLVE.matcher(path);
            if (server.equals("hub") && tree.matches()) {
                serveTree(exchange, tree.group(1));
            } else if (server.equals("hub") && resolve.matches()) {
                serveResolve(exchange, resolve.group(1), resolve.group(3));
            } else if (server.equals("cdn") && path.startsWith("/lfs/") && lfsObjects.containsKey(path.substring(5))) {
                serveBytes(exchange, lfsObjects.get(path.substring(5)).content());
            } else {
                exchange.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
                sendText(exchange, 404, "{\"error\":\"not found\"}");
            }
        }
    }

    private void serveTree(HttpExchange exchange, String repo) throws IOException {
        Map<String, Stored> files = repos.get(repo);
        if (files == null) {
            exchange.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
            sendText(exchange, 404, "{\"error\":\"Repository not found\"}");
            return;
        }
        List<String> paths = new ArrayList<>(files.keySet());
        paths.sort(null);
        String query = exchange.getRequestURI().getQuery();
        int first = query != null && query.contains("cursor=") ? Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
        int end = (int) Math.min(paths.size(), (long) first + pageSize);
        ArrayNode entries = JSON.createArrayNode();
        if (first == 0) {
            entries.addObject().put("type", "directory").put("path", "a-folder").put("oid", "0".repeat(40)).put("size", 0);
        }
        for (String path : paths.subList(first, end)) {
            Stored stored = files.get(path);
            ObjectNode entry = entries.addObject().put("type", "file").put("path", path).put("size", stored.content().length)
                    .put("oid", gitBlobSha1(stored));
            if (stored.lfs()) {
                entry.putObject("lfs").put("oid", sha256(stored.content())).put("size", stored.content().length)
                        .put("pointerSize", 134);
            }
        }
        if (end < paths.size()) {
            exchange.getResponseHeaders().set("Link", "<" + endpoint() + "api/models/" + repo
                    + "/tree/main?recursive=true&cursor=" + end + ">; rel=\"next\"");
        }
        sendText(exchange, 200, JSON.writeValueAsString(entries));
    }

    private void serveResolve(HttpExchange exchange, String repo, String path) throws IOException {
        Map<String, Stored> files = repos.getOrDefault(repo, Map.of());
        Stored stored = files.get(path);
        if (stored == null) {
            exchange.getResponseHeaders().set("X-Error-Code", files.isEmpty() ? "RepoNotFound" : "EntryNotFound");
            sendText(exchange, 404, "{\"error\":\"Entry not found\"}");
        } else if (stored.lfs()) {
            exchange.getResponseHeaders().set("Location", uriOf(cdn) + "lfs/" + sha256(stored.content()));
            exchange.sendResponseHeaders(302, -1);
        } else {
            serveBytes(exchange, stored.content());
        }
    }

    private void serveBytes(HttpExchange exchange, byte[] content) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        long from = m != null && m.matches() && !ignoreRange ? Long.parseLong(m.group(1)) : 0;
        if (from >= content.length && from > 0) {
            exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
            exchange.sendResponseHeaders(416, -1);
            return;
        }
        int length = (int) (content.length - from);
        if (from > 0) {
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, length == 0 ? -1 : length);
        byte[] body = java.util.Arrays.copyOfRange(content, (int) from, content.length);
        if (corruptOffset >= from && corruptOffset < content.length) {
            body[(int) (corruptOffset - from)] ^= 0x5A;
        }
        long cut = cutAfterBytes;
        OutputStream out = exchange.getResponseBody();
        if (cut >= 0 && cut < length) {
            cutAfterBytes = -1;
            out.write(body, 0, (int) cut);
            out.flush();
            // The JDK's client drops bytes it has received but not yet handed on once the connection
            // fails; a pause lets it hand on all of them, so the client holds exactly `cut` bytes.
            pause(300);
            // A handler that throws makes the JDK's server close the connection, short of the Content-Length.
            throw new IOException("cutting the connection after " + cut + " bytes, as asked");
        }
        out.write(body);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sendText(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String gitBlobSha1(Stored stored) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            // An LFS file's oid is that of its pointer file; no client checks it, so any blob does.
            sha1.update(("blob " + stored.content().length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(stored.content()));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static URI uriOf(HttpServer server) {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/");
    }
}
