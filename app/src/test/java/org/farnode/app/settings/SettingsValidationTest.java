package org.farnode.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsValidationTest {

    @Test
    void theDefaultsAreAllowed() {
        assertThat(SettingsValidation.problems(OperatorSettings.defaults())).isEmpty();
    }

    @Test
    void everyWrongFieldIsNamedWithWhatIsAllowed() {
        OperatorSettings wrong = new OperatorSettings("gpu-one", "metal", -1, 0, -5, Double.NaN, Double.POSITIVE_INFINITY, 65536,
                List.of("203.0.113.7:7411"), "/models/model.safetensors", "12:4", false,
                List.of(new WeeklySlot(DayOfWeek.FRIDAY, LocalTime.of(23, 0), LocalTime.of(6, 0))), false, true);
        List<SettingsProblem> problems = SettingsValidation.problems(wrong);
        assertThat(problems).extracting(SettingsProblem::field).containsExactly("device", "backend", "vramCapMib", "gpuSharePercent",
                "uploadCapMbit", "downloadCapMbit", "dailyDataCapGib", "listenPort", "bootstrapPeers", "modelFile", "layers", "schedule");
        assertThat(problems).extracting(SettingsProblem::message).containsExactly(
                "device 'gpu-one' must be auto or a device number as far devices lists them (0, 1, ...)",
                "backend 'metal' must be auto, vulkan or cpu",
                "the VRAM cap must be 0 (no cap) or a positive number of MiB, got -1",
                "the GPU share must be 1 to 100 percent, got 0",
                "the upload cap must be 0 (none) or a positive number of Mbit/s, got -5.0",
                "the download cap must be 0 (none) or a positive number of Mbit/s, got NaN",
                "the daily data cap must be 0 (none) or a positive number of GiB, got Infinity",
                "the listening port must be 1 to 65535, or 0 for any free port, got 65536",
                "peer '203.0.113.7:7411' must look like HOST:PORT@NODEID",
                "the model file must be a .gguf file, got '/models/model.safetensors'",
                "layers '12:4' must name at least one layer: a below b",
                "the FRIDAY slot from 23:00 to 06:00 must end after it starts (a night across midnight is two slots)");
    }

    @Test
    void layersAreAutoOrARange() {
        OperatorSettings base = OperatorSettings.defaults();
        for (String allowed : new String[] {"auto", "0:22", " 4 : 12 "}) {
            assertThat(SettingsValidation.problems(withLayers(base, allowed))).as(allowed).isEmpty();
        }
        assertThat(SettingsValidation.problems(withLayers(base, "first half"))).extracting(SettingsProblem::message)
                .containsExactly("layers 'first half' must be auto or a:b (layers a to b-1)");
    }

    @Test
    void aSlotContainsItsStartButNotItsEnd() {
        WeeklySlot evening = new WeeklySlot(DayOfWeek.MONDAY, LocalTime.of(18, 0), LocalTime.of(23, 0));
        assertThat(evening.contains(DayOfWeek.MONDAY, LocalTime.of(18, 0))).isTrue();
        assertThat(evening.contains(DayOfWeek.MONDAY, LocalTime.of(23, 0))).isFalse();
        assertThat(evening.contains(DayOfWeek.TUESDAY, LocalTime.of(19, 0))).isFalse();
    }

    private static OperatorSettings withLayers(OperatorSettings s, String layers) {
        return new OperatorSettings(s.device(), s.backend(), s.vramCapMib(), s.gpuSharePercent(), s.uploadCapMbit(),
                s.downloadCapMbit(), s.dailyDataCapGib(), s.listenPort(), s.bootstrapPeers(), s.modelFile(), layers, s.onlyWhenIdle(),
                s.schedule(), s.startOnLogin(), s.closeToTray());
    }
}
