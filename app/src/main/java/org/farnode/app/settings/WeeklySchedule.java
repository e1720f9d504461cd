package org.farnode.app.settings;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's weekly schedule as one line of text, as a person would type it in a settings
 * field, and back:
 *
 * <pre>
 * Mon-Fri 18:00-23:30; Sat,Sun 09:00-24:00
 * </pre>
 *
 * Entries are separated by {@code ;}, each {@code DAYS HH:MM-HH:MM}. DAYS is a day ({@code Mon} to
 * {@code Sun}, any case), a range of days ({@code Mon-Fri}; {@code Sat-Mon} runs over the week's
 * end), or a comma list of those ({@code Sat,Sun}, {@code Mon-Wed,Fri}). {@code 24:00} ends a
 * range at the end of its day. A night across midnight is two entries:
 * {@code Fri 22:00-24:00; Sat 00:00-02:00}. Blank text is an empty schedule: any time.
 */
public final class WeeklySchedule {
    private static final String EXAMPLE = "e.g. Mon-Fri 18:00-23:30";
    private static final Pattern TIME_RANGE = Pattern.compile("(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})");
    /** Week order: what {@link #parse} returns and {@link #format} writes. */
    private static final Comparator<WeeklySlot> WEEK_ORDER = Comparator.comparing(WeeklySlot::day)
            .thenComparing(WeeklySlot::from).thenComparing(WeeklySlot::until);

    private WeeklySchedule() {
    }

    /**
     * The slots {@code text} names, one per day and time range, in week order without repeats.
     *
     * @throws IllegalArgumentException naming the first wrong entry and what is allowed
     */
    public static List<WeeklySlot> parse(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<WeeklySlot> slots = new ArrayList<>();
        for (String entry : text.split(";")) {
            if (!entry.isBlank()) { // a stray ';' at the end is harmless
                slots.addAll(parseEntry(entry.strip()));
            }
        }
        return slots.stream().distinct().sorted(WEEK_ORDER).toList();
    }

    /**
     * {@code slots} as text that {@link #parse} reads back to the same slots: days with the same
     * times share one entry, consecutive days written as a range ({@code Mon-Fri}).
     *
     * @throws IllegalArgumentException when a time is not a whole minute (the text has no seconds)
     */
    public static String format(List<WeeklySlot> slots) {
        Map<String, Set<DayOfWeek>> daysByTimes = new LinkedHashMap<>(); // in order of each time range's first day
        for (WeeklySlot slot : slots.stream().sorted(WEEK_ORDER).toList()) {
            String times = time(slot.from()) + "-" + time(slot.until());
            daysByTimes.computeIfAbsent(times, t -> EnumSet.noneOf(DayOfWeek.class)).add(slot.day());
        }
        List<String> entries = new ArrayList<>();
        daysByTimes.forEach((times, days) -> entries.add(days(days) + " " + times));
        return String.join("; ", entries);
    }

    /** Whether a node on {@code slots} may serve at {@code now}; an empty schedule allows any time. */
    public static boolean allows(List<WeeklySlot> slots, LocalDateTime now) {
        return slots.isEmpty() || slots.stream().anyMatch(slot -> slot.contains(now.getDayOfWeek(), now.toLocalTime()));
    }

    private static List<WeeklySlot> parseEntry(String entry) {
        int firstDigit = firstDigit(entry);
        Matcher times = TIME_RANGE.matcher(firstDigit < 0 ? "" : entry.substring(firstDigit).strip());
        if (!times.matches()) {
            throw new IllegalArgumentException("'" + entry + "' needs a time range HH:MM-HH:MM after its days, " + EXAMPLE
                    + " (entries are separated by ;)");
        }
        String dayText = entry.substring(0, firstDigit).strip();
        if (dayText.isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "' needs the days before its times, " + EXAMPLE);
        }
        LocalTime from = time(entry, times.group(1), times.group(2));
        LocalTime until = time(entry, times.group(3), times.group(4));
        if (!from.isBefore(until)) {
            throw new IllegalArgumentException("'" + entry + "' must end after it starts; a night across midnight is two entries,"
                    + " e.g. Fri 22:00-24:00; Sat 00:00-02:00");
        }
        List<WeeklySlot> slots = new ArrayList<>();
        for (DayOfWeek day : days(entry, dayText)) {
            slots.add(new WeeklySlot(day, from, until));
        }
        return slots;
    }

    private static int firstDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The days of {@code text}: a comma list of days and ranges of days. */
    private static Set<DayOfWeek> days(String entry, String text) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : text.split(",", -1)) {
            String[] ends = item.split("-", -1);
            if (ends.length > 2) {
                throw notADay(entry, item.strip());
            }
            DayOfWeek first = day(entry, ends[0].strip());
            DayOfWeek last = ends.length == 2 ? day(entry, ends[1].strip()) : first;
            for (DayOfWeek day = first; ; day = day.plus(1)) { // plus wraps Sun to Mon: Sat-Mon is three days
                days.add(day);
                if (day == last) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String entry, String name) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (shortName(day).equalsIgnoreCase(name)) {
                return day;
            }
        }
        throw notADay(entry, name);
    }

    private static IllegalArgumentException notADay(String entry, String name) {
        return new IllegalArgumentException("'" + entry + "': '" + name + "' is not a day; write Mon, Tue, Wed, Thu, Fri, Sat or Sun,"
                + " a range like Mon-Fri, or a list like Sat,Sun");
    }

    /** {@code hours:minutes} of {@code entry}; 24:00 is the end of the day. */
    private static LocalTime time(String entry, String hours, String minutes) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        if (h == 24 && m == 0) {
            return LocalTime.MAX;
        }
        if (h > 23 || m > 59) {
            throw new IllegalArgumentException("'" + entry + "': " + hours + ":" + minutes + " is not a time of day;"
                    + " times run from 00:00 to 23:59, and 24:00 ends a range at midnight");
        }
        return LocalTime.of(h, m);
    }

    private static String time(LocalTime time) {
        if (time.equals(LocalTime.MAX)) {
            return "24:00";
        }
        if (time.getSecond() != 0 || time.getNano() != 0) {
            throw new IllegalArgumentException("a schedule's times are whole minutes (or 24:00), got " + time);
        }
        return String.format(Locale.ROOT, "%02d:%02d", time.getHour(), time.getMinute());
    }

    /** {@code days} with each run of three or more consecutive days as a range: {@code Mon-Wed,Fri,Sat}. */
    private static String days(Set<DayOfWeek> days) {
        List<String> items = new ArrayList<>();
        List<DayOfWeek> ordered = List.copyOf(days); // EnumSet iterates Mon to Sun
        int runStart = 0;
        for (int i = 1; i <= ordered.size(); i++) {
            boolean runEnds = i == ordered.size() || ordered.get(i).getValue() != ordered.get(i - 1).getValue() + 1;
            if (runEnds) {
                int length = i - runStart;
                if (length >= 3) {
                    items.add(shortName(ordered.get(runStart)) + "-" + shortName(ordered.get(i - 1)));
                } else {
                    ordered.subList(runStart, i).forEach(day -> items.add(shortName(day)));
                }
                runStart = i;
            }
        }
        return String.join(",", items);
    }

    private static String shortName(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }
}
