package org.farnode.app.settings;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.peer.PeerAddress;

/** Which settings are allowed: every wrong field, each with a message saying what is allowed. */
public final class SettingsValidation {
    private static final Set<String> BACKENDS = Set.of("auto", "vulkan", "cpu");
    private static final Pattern LAYER_RANGE = Pattern.compile("\\s*(\\d{1,6})\\s*:\\s*(\\d{1,6})\\s*");

    private SettingsValidation() {
    }

    /** The problems of {@code settings}; empty when every value is allowed. */
    public static List<SettingsProblem> problems(OperatorSettings settings) {
        List<SettingsProblem> problems = new ArrayList<>();
        if (!settings.device().equals("auto") && !settings.device().matches("\\d{1,3}")) {
            problems.add(new SettingsProblem("device", "device '" + settings.device()
                    + "' must be auto or a device number as far devices lists them (0, 1, ...)"));
        }
        if (!BACKENDS.contains(settings.backend())) {
            problems.add(new SettingsProblem("backend", "backend '" + settings.backend() + "' must be auto, vulkan or cpu"));
        }
        if (settings.vramCapMib() < 0) {
            problems.add(new SettingsProblem("vramCapMib", "the VRAM cap must be 0 (no cap) or a positive number of MiB, got "
                    + settings.vramCapMib()));
        }
        if (settings.gpuSharePercent() < 1 || settings.gpuSharePercent() > 100) {
            problems.add(new SettingsProblem("gpuSharePercent", "the GPU share must be 1 to 100 percent, got "
                    + settings.gpuSharePercent()));
        }
        rate(problems, "uploadCapMbit", "upload cap", settings.uploadCapMbit(), "Mbit/s");
        rate(problems, "downloadCapMbit", "download cap", settings.downloadCapMbit(), "Mbit/s");
        rate(problems, "dailyDataCapGib", "daily data cap", settings.dailyDataCapGib(), "GiB");
        if (settings.listenPort() < 0 || settings.listenPort() > 65535) {
            problems.add(new SettingsProblem("listenPort", "the listening port must be 1 to 65535, or 0 for any free port, got "
                    + settings.listenPort()));
        }
        for (String peer : settings.bootstrapPeers()) {
            try {
                PeerAddress.parse(peer);
            } catch (IllegalArgumentException e) {
                problems.add(new SettingsProblem("bootstrapPeers", e.getMessage()));
            }
        }
        if (!settings.modelFile().isEmpty() && !settings.modelFile().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            problems.add(new SettingsProblem("modelFile", "the model file must be a .gguf file, got '" + settings.modelFile() + "'"));
        }
        Matcher range = LAYER_RANGE.matcher(settings.layers());
        if (!settings.layers().equals("auto") && !range.matches()) {
            problems.add(new SettingsProblem("layers", "layers '" + settings.layers() + "' must be auto or a:b (layers a to b-1)"));
        } else if (range.matches() && Integer.parseInt(range.group(1)) >= Integer.parseInt(range.group(2))) {
            problems.add(new SettingsProblem("layers", "layers '" + settings.layers() + "' must name at least one layer: a below b"));
        }
        for (WeeklySlot slot : settings.schedule()) {
            if (slot.day() == null || slot.from() == null || slot.until() == null) {
                problems.add(new SettingsProblem("schedule", "a schedule slot needs a day, a start and an end"));
            } else if (!slot.from().isBefore(slot.until())) {
                problems.add(new SettingsProblem("schedule", "the " + slot.day() + " slot from " + slot.from() + " to " + slot.until()
                        + " must end after it starts (a night across midnight is two slots)"));
            } else if (!wholeMinute(slot.from()) || !(wholeMinute(slot.until()) || slot.until().equals(LocalTime.MAX))) {
                problems.add(new SettingsProblem("schedule", "the " + slot.day() + " slot from " + slot.from() + " to " + slot.until()
                        + " must start and end on whole minutes, as the schedule is written (HH:MM, or 24:00 for the end of the day)"));
            }
        }
        return problems;
    }

    private static boolean wholeMinute(LocalTime time) {
        return time.getSecond() == 0 && time.getNano() == 0;
    }

    private static void rate(List<SettingsProblem> problems, String field, String what, double value, String unit) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            problems.add(new SettingsProblem(field, "the " + what + " must be 0 (none) or a positive number of " + unit + ", got " + value));
        }
    }
}
