package org.farnode.app.selftest;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Runs the self-test's steps one after another, telling the user each as it starts, what it
 * reports on the way and how long it took; a step that throws becomes a {@link StepFailure} that
 * names it. Remembers the step under way, so that a self-test that runs out of time can say where.
 */
final class StepRunner {
    private final PrintWriter progress;
    private volatile String current = "start";

    StepRunner(PrintWriter progress) {
        this.progress = progress;
    }

    /** Runs {@code step} as the step called {@code name}; returns what it gives and how long it took. */
    <T> Timed<T> run(String name, Callable<T> step) {
        current = name;
        progress.println("[" + name + "]");
        long start = System.nanoTime();
        T result;
        try {
            result = step.call();
        } catch (StepFailure failure) {
            throw failure;
        } catch (Exception | Error e) { // a missing native library or an exhausted heap must end in a FAIL line too
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StepFailure(name, describe(e), e);
        }
        long nanos = System.nanoTime() - start;
        progress.println("  done in " + millis(nanos));
        progress.flush();
        return new Timed<>(result, nanos);
    }

    /** A line of progress inside the current step. */
    void say(String line) {
        progress.println("  " + line);
        progress.flush();
    }

    /** The step under way, or the last one run. */
    String current() {
        return current;
    }

    /** One line that says what went wrong, whatever was thrown. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException missing) {
            return (missing.getReason() == null ? "file not found" : missing.getReason()) + ": " + missing.getFile();
        }
        if (e instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // An Error's message alone ("org/lwjgl/vulkan/VkInstance") does not say what went wrong; its class does.
        return e instanceof Error ? e.getClass().getSimpleName() + ": " + message : message;
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%d ms", Math.round(nanos / 1e6));
    }

    /** A step's result and its duration. */
    record Timed<T>(T value, long nanos) {
    }
}
