package org.farnode.app.speculative;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdaptiveDraftLengthTest {

    @Test
    void growsByOneWhenEveryDraftStands() {
        AdaptiveDraftLength length = new AdaptiveDraftLength(3, 5);
        length.record(3, 3);
        assertThat(length.next()).isEqualTo(4);
        length.record(4, 4);
        length.record(5, 5);
        length.record(5, 5);
        assertThat(length.next()).isEqualTo(5); // capped
    }

    @Test
    void shrinksByOneWhenFewerThanHalfStand() {
        AdaptiveDraftLength length = new AdaptiveDraftLength(4, 8);
        length.record(4, 1);
        assertThat(length.next()).isEqualTo(3);
        length.record(3, 0);
        length.record(2, 0);
        length.record(1, 0);
        assertThat(length.next()).isEqualTo(1); // floor
    }

    @Test
    void holdsWhenHalfOrMoreButNotAllStand() {
        AdaptiveDraftLength length = new AdaptiveDraftLength(4, 8);
        length.record(4, 2);
        assertThat(length.next()).isEqualTo(4);
        length.record(4, 3);
        assertThat(length.next()).isEqualTo(4);
    }

    @Test
    void roundWithoutDraftChangesNothing() {
        AdaptiveDraftLength length = new AdaptiveDraftLength(2, 8);
        length.record(0, 0);
        assertThat(length.next()).isEqualTo(2);
    }

    @Test
    void refusesInconsistentInput() {
        assertThatThrownBy(() -> new AdaptiveDraftLength(0, 4)).hasMessageContaining("[1, 4]");
        assertThatThrownBy(() -> new AdaptiveDraftLength(5, 4)).hasMessageContaining("[1, 4]");
        assertThatThrownBy(() -> new AdaptiveDraftLength(1, 0)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new AdaptiveDraftLength(2, 4).record(2, 3)).hasMessageContaining("accepted");
    }
}
