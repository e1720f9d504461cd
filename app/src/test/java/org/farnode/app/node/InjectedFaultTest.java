package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.farnode.app.gateway.ResultComparison;
import org.farnode.app.shard.HiddenStates;
import org.junit.jupiter.api.Test;

/** The test mode's faults: which windows they strike, and what they do to them. */
class InjectedFaultTest {

    @Test
    void corruptionLeavesTheHonestWindowsThenChangesEveryStruckOneByAboutItsOwnSize() {
        InjectedFault fault = InjectedFault.of(InjectedFault.Kind.CORRUPT, 1, 3, Duration.ZERO, 1);
        for (int i = 0; i < 3; i++) {
            HiddenStates honest = window();
            assertThat(fault.applyToAnswer(honest)).isTrue();
            assertThat(honest.values()).containsExactly(window().values());
        }
        HiddenStates struck = window();
        assertThat(fault.applyToAnswer(struck)).isTrue();
        assertThat(ResultComparison.relativeDifference(struck, window())).isBetween(0.3, 2.0);
    }

    @Test
    void aRateStrikesAboutThatShareOfWindows() {
        InjectedFault fault = InjectedFault.of(InjectedFault.Kind.DROP, 0.3, 0, Duration.ZERO, 9);
        int dropped = 0;
        for (int i = 0; i < 10_000; i++) {
            dropped += fault.applyToAnswer(window()) ? 0 : 1;
        }
        assertThat(dropped / 10_000.0).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void aSlowFaultHoldsTheAnswerForItsDelay() {
        InjectedFault fault = InjectedFault.of(InjectedFault.Kind.SLOW, 1, 0, Duration.ofMillis(200), 1);
        long start = System.nanoTime();
        assertThat(fault.applyToAnswer(window())).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void badFaultSettingsAreRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> InjectedFault.Kind.parse("melt")).hasMessage("unknown fault 'melt'; the faults are corrupt, slow and drop");
        assertThatThrownBy(() -> InjectedFault.of(InjectedFault.Kind.CORRUPT, 0, 0, Duration.ZERO, 1))
                .hasMessageContaining("above 0 and at most 1, got 0.0");
        assertThatThrownBy(() -> InjectedFault.of(InjectedFault.Kind.CORRUPT, 1, -1, Duration.ZERO, 1))
                .hasMessageContaining("0 or more, got -1");
        assertThatThrownBy(() -> InjectedFault.of(InjectedFault.Kind.SLOW, 1, 0, Duration.ZERO, 1))
                .hasMessageContaining("positive delay");
        assertThat(InjectedFault.Kind.parse(" Corrupt ")).isEqualTo(InjectedFault.Kind.CORRUPT);
        assertThat(InjectedFault.none().applyToAnswer(window())).isTrue();
    }

    private static HiddenStates window() {
        float[] values = new float[3 * 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i * 0.7) * (1 + i % 5);
        }
        return new HiddenStates(3, 16, values);
    }
}
