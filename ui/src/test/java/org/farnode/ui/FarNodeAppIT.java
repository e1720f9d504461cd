package org.farnode.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./far-node} run as a user runs it: its options, the self-test without a display, the app
 * starting its swarm on a real display, one instance at a time.
 */
class FarNodeAppIT {
    @TempDir
    Path dataFolder;

    private static Process start(String... args) throws IOException {
        return start(environment -> { }, args);
    }

    /** Starts {@code ./far-node args} with this process's environment as {@code adjust} leaves it. */
    private static Process start(Consumer<Map<String, String>> adjust, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(FarProcess.launcher("far-node").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("FAR_NO_BUILD", "1"); // the build under test is already packaged
        adjust.accept(builder.environment());
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private record Outcome(int exitCode, String stdout, String stderr) {
    }

    private static Outcome run(String... args) throws Exception {
        return run(environment -> { }, args);
    }

    private static Outcome run(Consumer<Map<String, String>> adjust, String... args) throws Exception {
        Process process = start(adjust, args);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("far-node %s finished", String.join(" ", args)).isTrue();
        return new Outcome(process.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        return new String(FarProcess.readAll(in), StandardCharsets.UTF_8);
    }

    @Test
    void helpAndAWrongOptionSayWhatIsAllowed() throws Exception {
        Outcome help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("Usage: far-node").contains("--model FILE.gguf").contains("--no-tray");

        Outcome wrong = run("--colour", "blue");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stderr()).contains("far-node: unknown option '--colour'").contains("Usage: far-node");
    }

    @Test
    void theSelfTestPassesWithoutADisplay() throws Exception {
        Outcome selfTest = run(environment -> {
            environment.remove("DISPLAY");
            environment.remove("WAYLAND_DISPLAY");
            environment.put("XDG_CONFIG_HOME", dataFolder.toString()); // where the user's settings and node key would go
        }, "--self-test");

        assertThat(selfTest.exitCode()).as(selfTest.stderr()).isZero();
        assertThat(selfTest.stdout()).contains("far-node self-test: PASS").containsPattern("tokens +16 in \\d+ ms")
                .contains("swarm    2 nodes: layers [0, 1)");
        assertThat(selfTest.stderr()).doesNotContain("FAIL").doesNotContain("no display");
        try (var written = Files.list(dataFolder)) {
            assertThat(written).as("the user's data folder is left alone").isEmpty();
        }
    }

    @Test
    void theAppStartsItsSwarmAndASecondLaunchBringsItForward() throws Exception {
        Process app = start("--data-folder", dataFolder.toString(), "--model", Stories260K.gguf().toString(), "--no-tray");
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(app.getErrorStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            awaitLine(lines, "serves layers [0, 2) of stories260K.gguf", 90);
            awaitLine(lines, "the local gateway generates stories through the swarm", 30);
            assertThat(Files.readString(dataFolder.resolve("logs/far-node.log")))
                    .as("the log file in the data folder").contains("serves layers [0, 2) of stories260K.gguf");

            Outcome second = run("--data-folder", dataFolder.toString());
            assertThat(second.exitCode()).isZero();
            assertThat(second.stderr()).contains("FAR Node is already running for this user");
            awaitLine(lines, "another launch asked for the window: brought forward", 10);
            assertThat(app.isAlive()).as("the first instance runs on").isTrue();
        } finally {
            app.destroy();
            assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the app ends on SIGTERM").isTrue();
            reader.join(5_000);
        }
    }

    private static void awaitLine(List<String> lines, String fragment, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (lines.stream().anyMatch(line -> line.contains(fragment))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line containing '" + fragment + "' within " + seconds + " s; the app said:\n"
                + String.join("\n", lines));
    }
}
