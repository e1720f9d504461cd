package org.farnode.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SessionErrorsTest {

    @Test
    void countsEveryFailureAndKeepsEachDistinctMessageWithItsCauses() {
        SessionErrors errors = new SessionErrors();
        errors.add(new IllegalStateException("hop 2 timed out"));
        errors.add(new UncheckedIOException("reading", new IOException("connection reset")));
        errors.add(new IllegalStateException("hop 2 timed out"));
        assertThat(errors.count()).isEqualTo(3);
        assertThat(errors.countByMessage()).containsExactly(
                java.util.Map.entry("IllegalStateException: hop 2 timed out", 2L),
                java.util.Map.entry("UncheckedIOException: reading; caused by IOException: connection reset", 1L));
    }

    @Test
    void keepsOnlyTheFirstDistinctMessagesButCountsAll() {
        SessionErrors errors = new SessionErrors();
        for (int i = 0; i < SessionErrors.DISTINCT_KEPT + 10; i++) {
            errors.add("failure " + i);
        }
        errors.add("failure 0");
        assertThat(errors.count()).isEqualTo(SessionErrors.DISTINCT_KEPT + 11);
        assertThat(errors.countByMessage()).hasSize(SessionErrors.DISTINCT_KEPT).containsEntry("failure 0", 2L)
                .doesNotContainKey("failure " + SessionErrors.DISTINCT_KEPT);
    }
}
