package org.farnode.app.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {
    private static final String PEER = "203.0.113.7:7411@" + "ab".repeat(32);

    @TempDir
    Path folder;

    private static OperatorSettings everythingSet() {
        return new OperatorSettings("1", "vulkan", 6144, 60, 20, 100, 50, 7411, List.of(PEER), "/models/tinyllama.gguf", "4:12",
                true, List.of(new WeeklySlot(DayOfWeek.MONDAY, LocalTime.of(18, 30), LocalTime.of(23, 0))), true, false);
    }

    @Test
    void whatIsSavedLoadsBackTheSameAsReadableJson() throws Exception {
        SettingsStore store = new SettingsStore(folder.resolve("FAR Node"));
        store.save(everythingSet());
        SettingsStore.Loaded loaded = new SettingsStore(folder.resolve("FAR Node")).load();
        assertThat(loaded.settings()).isEqualTo(everythingSet());
        assertThat(loaded.notice()).isEmpty();
        String json = Files.readString(store.file());
        assertThat(json).contains("\"modelFile\" : \"/models/tinyllama.gguf\"").contains("\"from\" : \"18:30\"");
        try (var files = Files.list(store.file().getParent())) {
            assertThat(files).as("no temporary file left beside it").containsExactly(store.file());
        }
    }

    @Test
    void noFileMeansTheDefaultsAndAFileFromAnOlderVersionKeepsDefaultsForWhatItLacks() throws Exception {
        SettingsStore store = new SettingsStore(folder);
        assertThat(store.load().settings()).isEqualTo(OperatorSettings.defaults());
        Files.writeString(store.file(), "{ \"modelFile\": \"/m/stories.gguf\", \"addedByANewerVersion\": 3 }");
        SettingsStore.Loaded loaded = store.load();
        assertThat(loaded.settings()).isEqualTo(OperatorSettings.defaults().withModelFile("/m/stories.gguf"));
        assertThat(loaded.notice()).isEmpty();
    }

    @Test
    void anUnreadableFileIsMovedAsideNotLostAndTheOperatorIsTold() throws Exception {
        SettingsStore store = new SettingsStore(folder);
        Files.writeString(store.file(), "{ \"listenPort\": 74");
        SettingsStore.Loaded loaded = store.load();
        assertThat(loaded.settings()).isEqualTo(OperatorSettings.defaults());
        assertThat(loaded.notice()).get().asString().contains(store.file().toString()).contains("moved to").contains("defaults");
        try (var files = Files.list(folder)) {
            Path aside = files.filter(f -> f.getFileName().toString().startsWith("settings.json.unreadable-")).findFirst().orElseThrow();
            assertThat(Files.readString(aside)).isEqualTo("{ \"listenPort\": 74");
        }
        Files.writeString(store.file(), "{ \"schedule\": [ { \"day\": \"MONDAY\", \"from\": \"half six\", \"until\": \"23:00\" } ] }");
        assertThat(store.load().notice()).get().asString().contains("18:30");
        Files.writeString(store.file(), "[1, 2]");
        assertThat(store.load().notice()).get().asString().contains("not an object of settings");
    }

    @Test
    void settingsWithAWrongValueAreNotSavedAndTheFileStaysAsItWas() throws Exception {
        SettingsStore store = new SettingsStore(folder);
        store.save(everythingSet());
        String before = Files.readString(store.file());
        assertThatThrownBy(() -> store.save(everythingSet().withListenPort(70000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listening port must be 1 to 65535");
        assertThat(Files.readString(store.file())).isEqualTo(before);
    }
}
