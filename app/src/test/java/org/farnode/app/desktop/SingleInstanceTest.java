package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One instance per user, with a second launch as a real second process: it finds the first,
 * asks it to show itself, and ends; once the first quits, a launch becomes the instance.
 */
class SingleInstanceTest {
    @TempDir
    Path folder;

    /** A second launch: claims the folder in its own JVM and prints what happened. */
    public static void main(String[] args) {
        Optional<SingleInstance> claimed = SingleInstance.claim(Path.of(args[0]), () -> { });
        System.out.println(claimed.isPresent() ? "first" : "asked the running instance to show itself");
        claimed.ifPresent(SingleInstance::close);
    }

    private String launchSecondProcess() throws Exception {
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SingleInstanceTest.class.getName(), folder.toString()))
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes()).trim();
    }

    @Test
    void aSecondLaunchAsksTheRunningInstanceToShowItselfAndEnds() throws Exception {
        CountDownLatch shown = new CountDownLatch(1);
        try (SingleInstance first = SingleInstance.claim(folder, shown::countDown).orElseThrow()) {
            assertThat(launchSecondProcess()).isEqualTo("asked the running instance to show itself");
            assertThat(shown.await(10, TimeUnit.SECONDS)).as("the running instance was asked to show itself").isTrue();
            assertThat(SingleInstance.claim(folder, () -> { })).as("nor can this process claim it twice").isEmpty();
        }
        assertThat(launchSecondProcess()).as("after the first quits").isEqualTo("first");
    }
}
