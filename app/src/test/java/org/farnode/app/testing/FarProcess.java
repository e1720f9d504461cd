package org.farnode.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the repository's {@code ./far} launcher as a separate process, the way a user does. */
public final class FarProcess {
    private FarProcess() {
    }

    public record Outcome(int exitCode, String stdout, String stderr) {
    }

    public static Outcome run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** Runs {@code far} with {@code environment} added to (or replacing entries of) this process's environment. */
    public static Outcome run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("FAR_NO_BUILD", "1"); // the build under test is already packaged
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("far " + String.join(" ", args) + " did not finish within 5 minutes");
        }
        return new Outcome(process.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    /** Everything {@code in} gives until it ends (a process's output, read whole). */
    public static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code ./far} at the repository root (the parent of the module directory Maven runs tests in). */
    /**
     * Runs {@code far} with {@code args} and checks it failed as a user should see it: non-zero
     * exit, nothing on stdout, and exactly one stderr line {@code far: error: ...} containing
     * {@code expected} (the JVM's incubator-module notice aside).
     */
    public static void expectOneLineError(String[] args, String expected) throws Exception {
        Outcome run = run(args);
        assertThat(run.exitCode()).as("exit code of far %s", String.join(" ", args)).isNotZero();
        String errorLines = run.stderr().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(errorLines.lines().count()).as(errorLines).isEqualTo(1);
        assertThat(errorLines).startsWith("far: error: ").contains(expected);
        assertThat(run.stdout()).isEmpty();
    }

    public static Path launcher() {
        return launcher("far");
    }

    /** The launcher script {@code name} ({@code far}, {@code far-node}) at the repository root above the working directory. */
    public static Path launcher(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path far = dir.resolve(name);
            if (Files.isExecutable(far) && Files.exists(dir.resolve("pom.xml"))) {
                return far;
            }
        }
        throw new AssertionError("cannot find the ./" + name + " launcher above " + Path.of("").toAbsolutePath());
    }
}
