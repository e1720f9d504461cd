package org.farnode.ui.shell;

import java.nio.file.Path;
import java.util.Optional;
import javafx.stage.Stage;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.api.FxToolkit;

/** A test of the real app on a TestFX stage: a fresh data folder, stories260K unless {@link #model} says otherwise; stopped after each test. */
@ExtendWith(ApplicationExtension.class)
abstract class RunningAppTest {
    @TempDir
    Path dataFolder;

    AppShell shell;

    /** The model given on the command line; empty for a first start without one. */
    Optional<Path> model() {
        return Optional.of(Stories260K.gguf());
    }

    /** On the stage TestFX set up for this test (a @Start method in a superclass is not seen by TestFX). */
    @BeforeEach
    void openApp() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> shell = RunningApp.open(stage, dataFolder, model()));
    }

    @AfterEach
    void stop() throws Exception {
        RunningApp.stop(shell);
    }
}
