package org.farnode.ui.shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A quick look at a chosen file before the slow load: does it start like a GGUF file? */
final class ModelFiles {
    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};

    private ModelFiles() {
    }

    static boolean isGguf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }
}
