package org.farnode.app.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project's shared test data ({@code ../shared} beside the repository checkout).
 *
 * <p>Where it is absent, tests that need it are skipped with a visible message, except under
 * {@code CI=true}, where its absence fails the run: CI must never pass by skipping real-data tests.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The file at {@code relative} inside the shared folder, or a skip/failure as described above. */
    public static Path require(String relative) {
        Path root = root();
        Path file = root == null ? null : root.resolve(relative);
        if (file != null && Files.exists(file)) {
            return file;
        }
        String message = "shared test data " + relative + " not found (looked for a 'shared' folder beside the repository)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true requires it");
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        return null;
    }

    /**
     * The file at {@code relative} inside the shared folder, if it is there. For data that is known
     * to be missing from the shared folder for now, where a test skips itself saying so, even on CI.
     */
    public static java.util.Optional<Path> find(String relative) {
        Path root = root();
        Path file = root == null ? null : root.resolve(relative);
        return file != null && Files.exists(file) ? java.util.Optional.of(file) : java.util.Optional.empty();
    }

    /** The shared folder: {@code FAR_SHARED} if set, else the first {@code shared} sibling of a parent of the working directory. */
    private static Path root() {
        String configured = System.getenv("FAR_SHARED");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (dir.getParent() != null && Files.isDirectory(candidate.resolve("models"))) {
                return candidate;
            }
        }
        return null;
    }
}
