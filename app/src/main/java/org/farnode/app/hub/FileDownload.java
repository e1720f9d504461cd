package org.farnode.app.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings one hub file to disk. Bytes go into {@code FILE.part}; a later run continues that file
 * with a {@code Range} request, so a transfer cut in the middle is not started over. Only a file
 * whose digest matches the hub's listing is moved, atomically, to its final name; one that does
 * not match is deleted.
 */
final class FileDownload {
    private static final Pattern CONTENT_RANGE_START = Pattern.compile("bytes (\\d+)-");
    private static final int BUFFER_BYTES = 1 << 20;

    private final HubClient hub;
    private final String repo;
    private final String revision;
    private final PullListener listener;

    FileDownload(HubClient hub, String repo, String revision, PullListener listener) {
        this.hub = hub;
        this.repo = repo;
        this.revision = revision;
        this.listener = listener;
    }

    static Path partFileOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    void fetch(HubFile file, Path target) throws IOException {
        Path part = partFileOf(target);
        Files.createDirectories(target.getParent());
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new HubException("another process is downloading " + part + "; wait for it to finish");
            }
            if (channel.size() > file.size()) {
                listener.restarted(file, part + " is longer than the file on the hub");
                channel.truncate(0);
            }
            if (channel.size() < file.size()) {
                transfer(file, channel, part);
            }
        }
        verify(file, part);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        listener.saved(file, target);
    }

    private void transfer(HubFile file, FileChannel channel, Path part) throws IOException {
        long from = channel.size();
        HttpResponse<InputStream> response = hub.open(repo, revision, file.path(), from);
        if (response.statusCode() == 416 && from > 0) {
            // The hub's file is shorter than what we hold: the part belongs to another version of it.
            response.body().close();
            listener.restarted(file, "the hub refused to resume at byte " + from);
            channel.truncate(0);
            from = 0;
            response = hub.open(repo, revision, file.path(), 0);
        }
        try (InputStream body = response.body()) {
            long start = startOf(response, from);
            if (start == 0 && from > 0) {
                listener.restarted(file, "the server ignored the request to resume at byte " + from);
                channel.truncate(0);
            }
            copy(body, channel, start, file, part);
        }
    }

    /** The byte the response body starts at. */
    private static long startOf(HttpResponse<InputStream> response, long asked) throws HubException {
        return switch (response.statusCode()) {
            case 200 -> 0;
            case 206 -> {
                Optional<Long> start = response.headers().firstValue("Content-Range").map(CONTENT_RANGE_START::matcher)
                        .filter(Matcher::lookingAt).map(m -> Long.parseLong(m.group(1)));
                if (start.isPresent() && start.get() != asked) {
                    throw new HubException("asked " + response.uri() + " for bytes from " + asked + ", got them from " + start.get());
                }
                yield asked;
            }
            default -> throw HubException.unexpectedStatus(response.statusCode(), response.uri());
        };
    }

    private void copy(InputStream body, FileChannel channel, long start, HubFile file, Path part) throws IOException {
        channel.position(start);
        listener.transferStarted(file, start);
        long done = start;
        byte[] buffer = new byte[BUFFER_BYTES];
        while (true) {
            int read;
            try {
                read = body.read(buffer);
            } catch (IOException e) {
                throw HubException.cutOff(file, done, part, e);
            }
            if (read < 0) {
                break;
            }
            if (done + read > file.size()) {
                channel.truncate(0); // what came before cannot be trusted either
                throw new HubException(file.path() + ": the server sent more than the " + file.size()
                        + " bytes the hub lists (did the file change?); run the command again to start over");
            }
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            done += read;
            listener.transferred(file, done);
        }
        if (done < file.size()) {
            throw HubException.cutOff(file, done, part, new IOException("the server ended the transfer early"));
        }
    }

    private void verify(HubFile file, Path part) throws IOException {
        listener.verifying(file);
        String actual = file.checksum().computeFor(part);
        if (!actual.equals(file.checksum().hex())) {
            Files.delete(part);
            throw HubException.checksumMismatch(file, actual);
        }
    }
}
