package org.farnode.app.settings;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule as the operator types it: what it reads as, how it is written back, and what it refuses. */
class WeeklyScheduleTest {

    @Test
    void rangesListsAndSingleDaysBecomeOneSlotPerDay() {
        assertThat(WeeklySchedule.parse("Mon-Wed 18:00-23:30; sat,SUN 09:00-24:00; Fri 07:15-08:00")).containsExactly(
                slot(MONDAY, "18:00", "23:30"), slot(TUESDAY, "18:00", "23:30"), slot(WEDNESDAY, "18:00", "23:30"),
                slot(FRIDAY, "07:15", "08:00"),
                new WeeklySlot(SATURDAY, LocalTime.of(9, 0), LocalTime.MAX), new WeeklySlot(SUNDAY, LocalTime.of(9, 0), LocalTime.MAX));
    }

    @Test
    void aRangeOfDaysMayRunOverTheWeeksEnd() {
        assertThat(WeeklySchedule.parse("Sat-Mon 10:00-12:00")).extracting(WeeklySlot::day).containsExactly(MONDAY, SATURDAY, SUNDAY);
    }

    @Test
    void blankTextIsAnEmptySchedule() {
        assertThat(WeeklySchedule.parse("")).isEmpty();
        assertThat(WeeklySchedule.parse("  ")).isEmpty();
        assertThat(WeeklySchedule.parse(null)).isEmpty();
        assertThat(WeeklySchedule.format(List.of())).isEmpty();
    }

    @Test
    void consecutiveDaysWithTheSameTimesAreWrittenAsARange() {
        List<WeeklySlot> slots = List.of(slot(SUNDAY, "10:00", "12:00"), slot(MONDAY, "18:00", "23:30"), slot(TUESDAY, "18:00", "23:30"),
                slot(WEDNESDAY, "18:00", "23:30"), slot(FRIDAY, "18:00", "23:30"), slot(SATURDAY, "10:00", "12:00"),
                slot(MONDAY, "06:00", "07:00"), new WeeklySlot(THURSDAY, LocalTime.of(20, 0), LocalTime.MAX));
        assertThat(WeeklySchedule.format(slots))
                .isEqualTo("Mon 06:00-07:00; Mon-Wed,Fri 18:00-23:30; Thu 20:00-24:00; Sat,Sun 10:00-12:00");
    }

    @Test
    void formattingWhatWasParsedReadsBackTheSame() {
        for (String text : List.of("Mon-Fri 18:00-23:30", "Mon-Fri 18:00-23:30; Sat,Sun 09:00-24:00",
                "Fri 22:00-24:00; Sat 00:00-02:00", "mon 00:00-24:00;tue 01:02-03:04;", "Sun-Tue 08:00-09:00; Wed 08:00-09:00",
                "Mon 06:00-07:00; Mon 18:00-20:00; Tue 18:00-20:00; Mon 06:00-07:00")) {
            List<WeeklySlot> slots = WeeklySchedule.parse(text);
            String written = WeeklySchedule.format(slots);
            assertThat(WeeklySchedule.parse(written)).as(text + " written as " + written).isEqualTo(slots);
            assertThat(WeeklySchedule.format(WeeklySchedule.parse(written))).as("written once more").isEqualTo(written);
        }
        assertThat(WeeklySchedule.format(WeeklySchedule.parse("Sun-Tue 08:00-09:00; Wed 08:00-09:00"))).isEqualTo("Mon-Wed,Sun 08:00-09:00");
        assertThat(WeeklySchedule.format(WeeklySchedule.parse("sat , sun 9:00 - 17:00"))).isEqualTo("Sat,Sun 09:00-17:00");
    }

    @Test
    void eachWrongEntryIsNamedWithWhatIsAllowed() {
        assertRefused("Mon-Fri 18:00-23:30; Mon 18:00",
                "'Mon 18:00' needs a time range HH:MM-HH:MM after its days, e.g. Mon-Fri 18:00-23:30 (entries are separated by ;)");
        assertRefused("weekends", "'weekends' needs a time range HH:MM-HH:MM after its days");
        assertRefused("Mon 10:00-11:00 Tue 12:00-13:00", "(entries are separated by ;)");
        assertRefused("18:00-20:00", "'18:00-20:00' needs the days before its times, e.g. Mon-Fri 18:00-23:30");
        assertRefused("Mnd 18:00-20:00", "'Mnd 18:00-20:00': 'Mnd' is not a day; write Mon, Tue, Wed, Thu, Fri, Sat or Sun,"
                + " a range like Mon-Fri, or a list like Sat,Sun");
        assertRefused("Monday 18:00-20:00", "'Monday' is not a day");
        assertRefused("Mon-Wed-Fri 18:00-20:00", "'Mon-Wed-Fri' is not a day");
        assertRefused("Mon, 18:00-20:00", "'' is not a day");
        assertRefused("Mon 18:00-25:00", "'Mon 18:00-25:00': 25:00 is not a time of day; times run from 00:00 to 23:59,"
                + " and 24:00 ends a range at midnight");
        assertRefused("Mon 18:60-19:00", "18:60 is not a time of day");
        assertRefused("Mon 24:30-24:40", "24:30 is not a time of day");
    }

    @Test
    void anEndNotAfterItsStartIsRefusedWithHowToWriteANight() {
        assertRefused("Fri 22:00-02:00", "'Fri 22:00-02:00' must end after it starts; a night across midnight is two entries,"
                + " e.g. Fri 22:00-24:00; Sat 00:00-02:00");
        assertRefused("Fri 10:00-10:00", "'Fri 10:00-10:00' must end after it starts");
        assertRefused("Fri 24:00-24:00", "must end after it starts");
    }

    @Test
    void theScheduleAllowsItsSlotsToTheEndOfTheDayAndAnEmptyOneAllowsAnyTime() {
        List<WeeklySlot> slots = WeeklySchedule.parse("Mon-Fri 18:00-23:30; Sat 20:00-24:00");
        LocalDateTime monday = LocalDateTime.of(2026, 3, 2, 0, 0); // a Monday
        assertThat(monday.getDayOfWeek()).isEqualTo(MONDAY);
        assertThat(WeeklySchedule.allows(slots, monday.withHour(18))).isTrue();
        assertThat(WeeklySchedule.allows(slots, monday.withHour(23).withMinute(29))).isTrue();
        assertThat(WeeklySchedule.allows(slots, monday.withHour(23).withMinute(30))).isFalse();
        assertThat(WeeklySchedule.allows(slots, monday.withHour(17).withMinute(59))).isFalse();
        assertThat(WeeklySchedule.allows(slots, monday.plusDays(5).withHour(18))).as("Saturday 18:00").isFalse();
        assertThat(WeeklySchedule.allows(slots, monday.plusDays(5).with(LocalTime.MAX))).as("Saturday's last instant").isTrue();
        assertThat(WeeklySchedule.allows(slots, monday.plusDays(6).withHour(0))).as("Sunday 00:00").isFalse();
        assertThat(WeeklySchedule.allows(List.of(), monday.plusDays(6).withHour(3))).isTrue();
    }

    @Test
    void writingASlotWithSecondsIsRefusedRatherThanRounded() {
        assertThatThrownBy(() -> WeeklySchedule.format(List.of(new WeeklySlot(MONDAY, LocalTime.of(9, 0, 30), LocalTime.of(10, 0)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole minutes").hasMessageContaining("09:00:30");
    }

    @Test
    void slotsThatTheTextCannotWriteAreSettingsProblems() {
        OperatorSettings seconds = withSchedule(List.of(new WeeklySlot(MONDAY, LocalTime.of(9, 0, 30), LocalTime.of(10, 0))));
        assertThat(SettingsValidation.problems(seconds)).extracting(SettingsProblem::message).containsExactly(
                "the MONDAY slot from 09:00:30 to 10:00 must start and end on whole minutes, as the schedule is written"
                        + " (HH:MM, or 24:00 for the end of the day)");
        OperatorSettings parsed = withSchedule(WeeklySchedule.parse("Mon-Fri 18:00-23:30; Sat,Sun 00:00-24:00"));
        assertThat(SettingsValidation.problems(parsed)).isEmpty();
    }

    @Test
    void aScheduleEndingAtMidnightSurvivesTheSettingsFile(@TempDir Path folder) {
        List<WeeklySlot> schedule = WeeklySchedule.parse("Mon-Fri 18:00-23:30; Sat,Sun 09:00-24:00");
        SettingsStore store = new SettingsStore(folder);
        store.save(withSchedule(schedule));
        List<WeeklySlot> loaded = store.load().settings().schedule();
        assertThat(loaded).isEqualTo(schedule);
        assertThat(WeeklySchedule.format(loaded)).isEqualTo("Mon-Fri 18:00-23:30; Sat,Sun 09:00-24:00");
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> WeeklySchedule.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    private static WeeklySlot slot(DayOfWeek day, String from, String until) {
        return new WeeklySlot(day, LocalTime.parse(from), LocalTime.parse(until));
    }

    private static OperatorSettings withSchedule(List<WeeklySlot> schedule) {
        OperatorSettings s = OperatorSettings.defaults();
        return new OperatorSettings(s.device(), s.backend(), s.vramCapMib(), s.gpuSharePercent(), s.uploadCapMbit(),
                s.downloadCapMbit(), s.dailyDataCapGib(), s.listenPort(), s.bootstrapPeers(), s.modelFile(), s.layers(), s.onlyWhenIdle(),
                schedule, s.startOnLogin(), s.closeToTray());
    }
}
