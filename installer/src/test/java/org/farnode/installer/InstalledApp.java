package org.farnode.installer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The installed desktop app running on the test's display, with its own data folder: what it logs,
 * whether its window is on the screen (asked of the X server with xwininfo), a screenshot.
 */
final class InstalledApp implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Path home;

    private InstalledApp(Process process, Path home) {
        this.process = process;
        this.home = home;
        this.reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    static InstalledApp start(Path launcher, Path home, Path model) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--data-folder", home.resolve("far-node").toString(),
                "--model", model.toString(), "--no-tray").directory(home.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        return new InstalledApp(process, home);
    }

    void awaitLine(String fragment, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (lines.stream().anyMatch(line -> line.contains(fragment))) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line containing '" + fragment + "' within " + seconds + " s; the app said:\n"
                + String.join("\n", lines));
    }

    /** The X server's list of windows once one is titled {@code title}. */
    String awaitWindow(String title, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String tree = "";
        while (System.nanoTime() < deadline) {
            tree = Commands.run(List.of("xwininfo", "-root", "-tree"), home).requireSuccess().stdout();
            if (tree.contains("\"" + title + "\"")) {
                return tree;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no window titled '" + title + "' within " + seconds + " s; the X server has:\n" + tree
                + "\nthe app said:\n" + String.join("\n", lines));
    }

    /** The whole screen, with ImageMagick's import where it is installed (the docs' screenshot); else nothing. */
    void screenshot(Path png) throws IOException, InterruptedException {
        Commands.Result version = Commands.run(List.of("sh", "-c", "command -v import && import -version"), home);
        if (version.exitCode() != 0 || !version.stdout().contains("ImageMagick")) {
            System.err.println("DebPackageIT: no screenshot (ImageMagick's import is not installed)");
            return;
        }
        Thread.sleep(3_000); // the dashboard's first figures
        Commands.run(List.of("import", "-window", "root", png.toString()), home).requireSuccess();
        System.err.println("DebPackageIT: screenshot of the installed app: " + png);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the installed app did not end within 30 s of SIGTERM");
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
