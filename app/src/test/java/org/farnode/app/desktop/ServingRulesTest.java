package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.settings.WeeklySchedule;
import org.junit.jupiter.api.Test;

class ServingRulesTest {
    private static final LocalDateTime MONDAY_EVENING = LocalDateTime.of(2026, 11, 30, 19, 0);
    private static final LocalDateTime MONDAY_MORNING = LocalDateTime.of(2026, 11, 30, 9, 0);

    private static OperatorSettings with(String schedule, boolean onlyWhenIdle, double dailyCapGib) {
        OperatorSettings d = OperatorSettings.defaults();
        return new OperatorSettings(d.device(), d.backend(), d.vramCapMib(), d.gpuSharePercent(), d.uploadCapMbit(),
                d.downloadCapMbit(), dailyCapGib, d.listenPort(), d.bootstrapPeers(), d.modelFile(), d.layers(), onlyWhenIdle,
                WeeklySchedule.parse(schedule), d.startOnLogin(), d.closeToTray());
    }

    @Test
    void defaultsNeverHoldTheNode() {
        ServingRules rules = new ServingRules(OperatorSettings.defaults());
        assertThat(rules.check(MONDAY_MORNING, 1L << 40, Optional.of(0.99))).isEmpty();
    }

    @Test
    void theScheduleHoldsTheNodeOutsideItsSlots() {
        ServingRules rules = new ServingRules(with("Mon-Fri 18:00-23:30", false, 0));
        assertThat(rules.check(MONDAY_EVENING, 0, Optional.empty())).isEmpty();
        assertThat(rules.check(MONDAY_MORNING, 0, Optional.empty()))
                .containsExactly("outside the weekly schedule (Mon-Fri 18:00-23:30)");
    }

    @Test
    void idleOnlyHoldsTheNodeWhileOtherProgramsUseTheCpu() {
        ServingRules rules = new ServingRules(with("", true, 0));
        assertThat(rules.check(MONDAY_MORNING, 0, Optional.of(0.10))).isEmpty();
        assertThat(rules.check(MONDAY_MORNING, 0, Optional.of(0.60)))
                .containsExactly("the computer is in use (other programs use 60% of the CPU)");
        assertThat(rules.check(MONDAY_MORNING, 0, Optional.empty())).as("unknown load does not hold").isEmpty();
    }

    @Test
    void theDailyCapCountsFromTheDaysFirstCheckAndStartsAgainTheNextDay() {
        ServingRules rules = new ServingRules(with("", false, 1));
        long gib = 1L << 30;
        assertThat(rules.check(MONDAY_MORNING, 5 * gib, Optional.empty())).as("bytes before today do not count").isEmpty();
        assertThat(rules.check(MONDAY_MORNING.plusHours(1), 5 * gib + gib / 2, Optional.empty())).isEmpty();
        assertThat(rules.check(MONDAY_MORNING.plusHours(2), 6 * gib, Optional.empty()))
                .containsExactly("today's data cap of 1 GiB is reached");
        assertThat(rules.check(MONDAY_MORNING.plusDays(1), 6 * gib, Optional.empty())).as("a new day").isEmpty();
    }

    @Test
    void everyReasonIsGiven() {
        ServingRules rules = new ServingRules(with("Sat 10:00-11:00", true, 0.5));
        rules.check(MONDAY_MORNING, 0, Optional.empty());
        List<String> reasons = rules.check(MONDAY_MORNING, 1L << 30, Optional.of(0.9));
        assertThat(reasons).hasSize(3);
        assertThat(reasons.get(2)).isEqualTo("today's data cap of 0.5 GiB is reached");
    }
}
