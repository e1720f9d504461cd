package org.farnode.app.hub;

import java.nio.file.Path;

/** What a pull tells whoever shows its progress (the command line's progress bar, later the desktop app). */
public interface PullListener {

    /** Does nothing: for callers that show no progress. */
    PullListener SILENT = new PullListener() {
    };

    /** The file was already on disk with the right size and digest, so it is not fetched again. */
    default void alreadyPresent(HubFile file, Path target) {
    }

    /** Bytes start to arrive; {@code fromByte} above 0 means the transfer resumes a {@code .part} file. */
    default void transferStarted(HubFile file, long fromByte) {
    }

    /** {@code bytesDone} of the file's size are now on disk. */
    default void transferred(HubFile file, long bytesDone) {
    }

    /** The {@code .part} file could not be continued (say why) and the transfer starts again from byte 0. */
    default void restarted(HubFile file, String reason) {
    }

    /** Every byte is here; its digest is being computed. */
    default void verifying(HubFile file) {
    }

    /** The verified file is in its final place. */
    default void saved(HubFile file, Path target) {
    }
}
