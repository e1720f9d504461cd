package org.farnode.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.farnode.app.testing.FarProcess;

/** Runs a system command to its end (five minutes at most) and keeps what it printed. */
final class Commands {
    private static final long TIMEOUT_MINUTES = 5;

    private Commands() {
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        Result requireSuccess() {
            assertThat(exitCode).as("%s exited %d:\n%s\n%s", String.join(" ", command), exitCode, stdout, stderr).isZero();
            return this;
        }
    }

    static Result run(List<String> command, Path home) throws IOException, InterruptedException {
        return run(command, home, false);
    }

    /** As {@link #run}, without a display: DISPLAY and WAYLAND_DISPLAY removed from the environment. */
    static Result runHeadless(List<String> command, Path home) throws IOException, InterruptedException {
        return run(command, home, true);
    }

    private static Result run(List<String> command, Path home, boolean headless) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().put("HOME", home.toString());
        if (headless) {
            builder.environment().remove("DISPLAY");
            builder.environment().remove("WAYLAND_DISPLAY");
        }
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_MINUTES + " minutes");
        }
        return new Result(command, process.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        return new String(FarProcess.readAll(in), StandardCharsets.UTF_8);
    }
}
