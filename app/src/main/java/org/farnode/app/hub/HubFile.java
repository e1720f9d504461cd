package org.farnode.app.hub;

import java.util.Locale;

/** One file of a hub repository as its listing gives it: path inside the repository, size in bytes, expected digest. */
public record HubFile(String path, long size, Checksum checksum) {

    public HubFile {
        ModelReference.requireRelativePath(path);
        if (size < 0) {
            throw new IllegalArgumentException("size of " + path + " must be >= 0, got " + size);
        }
    }

    /** The last segment of the path. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public boolean isGguf() {
        return path.toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    /** Whether the file lies at the repository's top level rather than in a subfolder. */
    public boolean atTopLevel() {
        return path.indexOf('/') < 0;
    }
}
