package org.farnode.app.swarm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code far node} running as a separate OS process on this machine, started with the same
 * JVM, options and class path as this one. Its standard error goes to a log file, whose tail is
 * quoted when the node fails to start.
 */
public final class NodeProcess implements AutoCloseable {
    private static final String MAIN_CLASS = "org.farnode.app.cli.FarCli";
    private final Process process;
    private final Path log;
    private final ReadyLine ready;

    private NodeProcess(Process process, Path log, ReadyLine ready) {
        this.process = process;
        this.log = log;
        this.ready = ready;
    }

    /**
     * Starts {@code far node} with {@code nodeArguments} and waits until it prints its ready line.
     *
     * @throws IOException naming the node's log and quoting its end when it exits or stays silent
     */
    public static NodeProcess start(List<String> nodeArguments, Path log, Duration startTimeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.add("node");
        command.addAll(nodeArguments);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CompletableFuture<ReadyLine> ready = CompletableFuture.supplyAsync(() -> readReadyLine(process));
        try {
            return new NodeProcess(process, log, ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e instanceof TimeoutException ? "did not report ready within " + startTimeout.toSeconds() + " s"
                    : "exited before it was ready";
            throw new IOException("node " + String.join(" ", nodeArguments) + " " + why + "; its log " + log
                    + " ends with: " + tail(log));
        }
    }

    private static ReadyLine readReadyLine(Process process) {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                var parsed = ReadyLine.parse(line);
                if (parsed.isPresent()) {
                    Thread drain = new Thread(() -> drain(out), "node-stdout");
                    drain.setDaemon(true);
                    drain.start();
                    return parsed.get();
                }
            }
            throw new IllegalStateException("the node closed its output without a ready line");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // the node prints nothing else on stdout; reading keeps its pipe from filling
            }
        } catch (IOException ignored) {
            // the node exited
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    public ReadyLine ready() {
        return ready;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the node's log, joined by " | " (the log lives in a directory its launcher may delete). */
    public String logTail() {
        return tail(log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Asks the node to stop by closing its standard input (it was started with
     * {@code --stop-on-stdin-close} and then shuts down cleanly, exit code 0), and waits up to
     * {@code grace}; then sends SIGTERM, and kills it if that fails too. Returns its exit code.
     */
    public int stop(Duration grace) throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed: the node is stopping
        }
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
        return process.exitValue();
    }

    /** Kills the node at once (SIGKILL): no clean shutdown, as when a machine drops off the network. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(10));
        }
    }
}
