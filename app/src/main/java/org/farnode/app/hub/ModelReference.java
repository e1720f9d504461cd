package org.farnode.app.hub;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code far model pull} was asked for: a Hugging Face repository {@code owner/name} and,
 * optionally, one file in it ({@code owner/name/FILE}, where FILE may lie in a subfolder).
 */
public record ModelReference(String owner, String name, Optional<String> file) {
    // The hub's own rule for the two halves of a repository id.
    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public ModelReference {
        requireRepoPart(owner, "owner");
        requireRepoPart(name, "name");
        file.ifPresent(ModelReference::requireRelativePath);
    }

    /** Reads {@code owner/name} or {@code owner/name/path/to/FILE}. */
    public static ModelReference parse(String text) {
        String[] parts = text.split("/", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("the model must be OWNER/NAME or OWNER/NAME/FILE, got '" + text + "'");
        }
        String file = parts.length == 3 ? stripTrailingSlashes(parts[2]) : "";
        return new ModelReference(parts[0], parts[1], file.isEmpty() ? Optional.empty() : Optional.of(file));
    }

    /** The repository id, {@code owner/name}. */
    public String repo() {
        return owner + "/" + name;
    }

    /**
     * Rejects paths that would leave the repository's folder once resolved on disk ({@code ..},
     * absolute paths, backslashes); the hub never lists such names, so one is a bad answer or a typo.
     */
    static void requireRelativePath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("'" + path + "' is not a file path inside a repository");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("'" + path + "' is not a file path inside a repository");
            }
        }
    }

    private static void requireRepoPart(String part, String what) {
        if (part == null || !REPO_PART.matcher(part).matches()) {
            throw new IllegalArgumentException("the repository " + what + " '" + part
                    + "' must be letters, digits, '.', '_' or '-' (as in bartowski/Llama-3.2-1B-Instruct-GGUF)");
        }
    }

    private static String stripTrailingSlashes(String path) {
        String result = path;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
