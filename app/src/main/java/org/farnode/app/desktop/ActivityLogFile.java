package org.farnode.app.desktop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * The activity log on disk, {@code logs/far-node.log} in the app's data folder: an app started
 * from a menu has no terminal, and an operator (or whoever they ask for help) needs what happened
 * before a crash or a restart. Bounded: past {@link #MAX_BYTES} the file becomes
 * {@code far-node.log.1} (replacing the older one) and a new one starts, so the two hold at most
 * twice that. Thread-safe; a write that fails is given up, never thrown at the node.
 */
public final class ActivityLogFile implements Consumer<ActivityLog.Entry>, AutoCloseable {
    public static final long MAX_BYTES = 5L << 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS xx");

    private final Path file;
    private final long maxBytes;
    private final ZoneId zone;
    private Writer writer;
    private long size;

    private ActivityLogFile(Path file, long maxBytes, ZoneId zone) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.zone = zone;
        open();
    }

    /** Appends to {@code logs/far-node.log} in {@code dataFolder}, creating the folder. */
    public static ActivityLogFile in(Path dataFolder) throws IOException {
        return at(dataFolder.resolve("logs").resolve("far-node.log"), MAX_BYTES, ZoneId.systemDefault());
    }

    static ActivityLogFile at(Path file, long maxBytes, ZoneId zone) throws IOException {
        Files.createDirectories(file.getParent());
        return new ActivityLogFile(file, maxBytes, zone);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void accept(ActivityLog.Entry entry) {
        if (writer == null) {
            return;
        }
        String line = TIME.format(entry.time().atZone(zone)) + "  " + entry.kind() + "  " + entry.message() + System.lineSeparator();
        try {
            long bytes = line.getBytes(StandardCharsets.UTF_8).length;
            if (size > 0 && size + bytes > maxBytes) {
                rotate();
            }
            writer.write(line);
            writer.flush();
            size += bytes;
        } catch (IOException | UncheckedIOException e) {
            // A full disk must not stop the node: the log view in the window still has every entry.
            closeQuietly();
        }
    }

    private void rotate() throws IOException {
        writer.close();
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private void open() throws IOException {
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    private void closeQuietly() {
        try {
            writer.close();
        } catch (IOException ignored) {
            // already failing
        }
        writer = null;
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            closeQuietly();
        }
    }
}
