package org.farnode.app.selftest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary folder for what a self-test writes (the synthetic model, the throwaway node key),
 * deleted with everything in it when closed, so that a self-test leaves nothing behind and never
 * touches the user's own data folder.
 */
final class ScratchFolder implements AutoCloseable {
    private final Path path;

    private ScratchFolder(Path path) {
        this.path = path;
    }

    static ScratchFolder create() throws IOException {
        return new ScratchFolder(Files.createTempDirectory("far-node-self-test-"));
    }

    Path path() {
        return path;
    }

    /** A subfolder, created if needed. */
    Path folder(String name) throws IOException {
        return Files.createDirectories(path.resolve(name));
    }

    /** Deletes the folder and everything in it; nothing happens when it is gone already. */
    void delete() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            // Deepest first, so that every folder is empty when its turn comes.
            for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(entry);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the self-test's temporary folder " + path, e);
        }
    }

    @Override
    public void close() {
        delete();
    }
}
