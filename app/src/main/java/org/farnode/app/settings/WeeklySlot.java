package org.farnode.app.settings;

import java.time.DayOfWeek;
import java.time.LocalTime;

/**
 * One stretch of a week in which the node may serve: {@code day} from {@code from} until
 * {@code until} (the same day; a night across midnight is two slots). An {@code until} of
 * {@link LocalTime#MAX} is the end of the day, written 24:00 (see {@link WeeklySchedule}).
 */
public record WeeklySlot(DayOfWeek day, LocalTime from, LocalTime until) {

    /** Whether {@code time} on {@code day} falls in this slot (from inclusive, until exclusive, the end of the day inclusive). */
    public boolean contains(DayOfWeek day, LocalTime time) {
        return this.day == day && !time.isBefore(from) && (time.isBefore(until) || until.equals(LocalTime.MAX));
    }
}
