package org.farnode.app.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackDrafterTest {

    @Test
    void theFirstDrafterProposesWhereItCanAndTheFallbackElsewhere() {
        List<String> asked = new ArrayList<>();
        Drafter fallback = (history, k) -> {
            asked.add("fallback " + history.length);
            return Draft.sampled(new int[] {42}, new double[][] {{0.25, 0.75}});
        };
        FallbackDrafter drafter = new FallbackDrafter(new PromptLookupDrafter(3, 2), fallback);

        Draft repeated = drafter.propose(new int[] {8, 9, 5, 6, 7, 8, 9}, 2);
        assertThat(repeated.tokens()).containsExactly(5, 6);
        assertThat(repeated.isDeterministic()).isTrue();
        assertThat(asked).as("the fallback is not asked when the first drafter proposes").isEmpty();

        Draft fresh = drafter.propose(new int[] {1, 2, 3}, 2);
        assertThat(fresh.tokens()).containsExactly(42);
        assertThat(fresh.probability(0, 1)).as("the fallback's own distribution travels with its draft").isEqualTo(0.75);
        assertThat(asked).containsExactly("fallback 3");
    }
}
