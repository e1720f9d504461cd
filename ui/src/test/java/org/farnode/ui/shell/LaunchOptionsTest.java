package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The desktop app's options: the app's own, and {@code --self-test}, which takes only a model. */
class LaunchOptionsTest {
    @Test
    void theAppsOptionsAreRead() {
        LaunchOptions options = LaunchOptions.parse(List.of("--data-folder", "/tmp/far", "--model", "m.gguf", "--no-tray"));

        assertThat(options.dataFolder()).isEqualTo(Path.of("/tmp/far"));
        assertThat(options.model()).contains(Path.of("m.gguf"));
        assertThat(options.tray()).isFalse();
        assertThat(options.testTraffic()).isTrue();
        assertThat(options.selfTest()).isFalse();
    }

    @Test
    void theSelfTestTakesAModelOrNone() {
        assertThat(LaunchOptions.parse(List.of("--self-test")).selfTest()).isTrue();
        assertThat(LaunchOptions.parse(List.of("--self-test")).model()).isEqualTo(Optional.empty());
        LaunchOptions withModel = LaunchOptions.parse(List.of("--model", "m.gguf", "--self-test"));
        assertThat(withModel.selfTest()).isTrue();
        assertThat(withModel.model()).contains(Path.of("m.gguf"));
    }

    @Test
    void theSelfTestRefusesTheAppsOptionsAndUnknownOnesStayRefused() {
        assertThatThrownBy(() -> LaunchOptions.parse(List.of("--self-test", "--no-tray")))
                .hasMessage("--self-test takes only --model FILE.gguf, not '--no-tray'");
        assertThatThrownBy(() -> LaunchOptions.parse(List.of("--data-folder", "/tmp/far", "--self-test")))
                .hasMessage("--self-test takes only --model FILE.gguf, not '--data-folder'");
        assertThatThrownBy(() -> LaunchOptions.parse(List.of("--self-test", "--verbose")))
                .hasMessage("unknown option '--verbose'");
        assertThatThrownBy(() -> LaunchOptions.parse(List.of("--self-test", "--model")))
                .hasMessage("--model needs a value");
    }

    @Test
    void theUsageNamesTheSelfTest() {
        assertThat(LaunchOptions.USAGE).contains("far-node --self-test [--model FILE.gguf]").contains("  --self-test ");
    }
}
