package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.farnode.app.shard.HiddenStates;
import org.junit.jupiter.api.Test;

/** The pieces a hop guards itself with: stall deadlines, bans, result comparison, verification's draw. */
class HopGuardsTest {

    @Test
    void noStallDeadlineUntilTheWarmUpIsMeasuredThenTheFactorTimesTheMeasuredSpeedAboveTheFloor() {
        StallWatch watch = new StallWatch(new StallPolicy(Duration.ofMillis(100), 10, 2));
        assertThat(watch.deadlineNanos(1)).isEmpty();
        watch.answered(1, 20_000_000); // 20 ms for one position
        assertThat(watch.deadlineNanos(1)).isEmpty();
        watch.answered(4, 80_000_000); // 20 ms per position again
        assertThat(watch.deadlineNanos(1)).hasValue(200_000_000); // 10 × 20 ms
        assertThat(watch.deadlineNanos(3)).hasValue(600_000_000);
        for (int i = 0; i < 50; i++) {
            watch.answered(1, 1_000_000); // the node got fast: 1 ms
        }
        assertThat(watch.deadlineNanos(1)).as("the floor").hasValue(100_000_000);
    }

    @Test
    void aNodeThatBecomesSlowerIsLearnedGraduallySoOneSlowAnswerDoesNotDominate() {
        StallWatch watch = new StallWatch(new StallPolicy(Duration.ofMillis(1), 10, 1));
        watch.answered(1, 10_000_000);
        watch.answered(1, 110_000_000);
        assertThat(watch.millisPerPosition()).isCloseTo(30, org.assertj.core.data.Offset.offset(0.001)); // 10 + 0.2 × 100
    }

    @Test
    void stallPoliciesRefuseValuesThatCannotWork() {
        assertThatThrownBy(() -> new StallPolicy(Duration.ZERO, 10, 4)).hasMessageContaining("floor must be positive");
        assertThatThrownBy(() -> new StallPolicy(Duration.ofSeconds(1), 0.5, 4)).hasMessageContaining("factor must be at least 1");
        assertThatThrownBy(() -> new StallPolicy(Duration.ofSeconds(1), 10, 0)).hasMessageContaining("at least one window");
    }

    @Test
    void aBanLastsItsTimeThenEndsByItselfAndALongerBanIsNotShortened() {
        MutableClock clock = new MutableClock();
        PeerBans bans = new PeerBans(clock);
        bans.ban("abc", Duration.ofMinutes(30), "outvoted");
        bans.ban("abc", Duration.ofMinutes(5), "outvoted again");
        assertThat(bans.isBanned("abc")).isTrue();
        assertThat(bans.isBanned("other")).isFalse();
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(bans.isBanned("abc")).isTrue();
        assertThat(bans.active()).extracting(PeerBans.Ban::reason).containsExactly("outvoted");
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(bans.isBanned("abc")).isFalse();
        assertThat(bans.active()).isEmpty();
    }

    @Test
    void relativeDifferenceIsTheWorstPositionsDistanceOverItsLength() {
        HiddenStates a = new HiddenStates(2, 2, new float[] {3, 4, 1, 0});
        assertThat(ResultComparison.relativeDifference(a, a)).isZero();
        HiddenStates b = new HiddenStates(2, 2, new float[] {3, 4, 1.1f, 0});
        assertThat(ResultComparison.relativeDifference(a, b)).isCloseTo(0.1 / 1.1, org.assertj.core.data.Offset.offset(1e-6));
        HiddenStates opposite = new HiddenStates(2, 2, new float[] {-3, -4, 1, 0});
        assertThat(ResultComparison.relativeDifference(a, opposite)).isCloseTo(2, org.assertj.core.data.Offset.offset(1e-9));
        assertThatThrownBy(() -> ResultComparison.relativeDifference(a, new HiddenStates(1, 4, new float[4])))
                .hasMessageContaining("cannot compare");
    }

    @Test
    void verificationChecksTheAskedShareOfWindows() {
        VerificationPolicy policy = VerificationPolicy.of(0.25, 8, "fp16").withChoice(new SplittableRandom(5));
        int selected = 0;
        for (int i = 0; i < 20_000; i++) {
            selected += policy.selectsNext() ? 1 : 0;
        }
        assertThat(selected / 20_000.0).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.01));
        assertThat(VerificationPolicy.of(1, 8, "fp16").selectsNext()).isTrue();
        assertThat(VerificationPolicy.off().selectsNext()).isFalse();
        assertThatThrownBy(() -> VerificationPolicy.of(1.5, 8, "fp16")).hasMessageContaining("0 to 1, got 1.5");
        assertThatThrownBy(() -> VerificationPolicy.of(0.5, 0, "fp16")).hasMessageContaining("hidden width");
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
