package org.farnode.app.codec.scm;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs independent per-row work on the common fork-join pool when there is enough of it. */
final class ParallelRows {

    /** Below this many rows the work runs on the calling thread: forking would cost more than it saves. */
    private static final int PARALLEL_ROWS = 256;

    private ParallelRows() {
    }

    /** Calls {@code body} once for each row in [from, to), in no particular order. */
    static void forEach(int from, int to, IntConsumer body) {
        if (to - from < PARALLEL_ROWS) {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        } else {
            IntStream.range(from, to).parallel().forEach(body);
        }
    }
}
