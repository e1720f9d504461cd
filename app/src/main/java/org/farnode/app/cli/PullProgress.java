package org.farnode.app.cli;

import org.farnode.app.hub.HubFile;
import org.farnode.app.hub.PullListener;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Shows a pull on stderr. On a terminal, one line redrawn in place ({@code \r}) at most ten
 * times a second; otherwise (a log, a pipe) a line at every 10%, so the log stays short.
 */
final class PullProgress implements PullListener {
    private static final long REDRAW_NANOS = 100_000_000;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private long startNanos;
    private long startBytes;
    private long lastDrawNanos;
    private long nextPercentToLog;
    private int drawnLength;

    PullProgress(PrintWriter err, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** Whether this process writes to a terminal (since JDK 22 System.console() exists even when redirected, hence isTerminal). */
    static boolean onTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    @Override
    public void alreadyPresent(HubFile file, Path target) {
        line(file.path() + ": already downloaded and verified, not fetched again");
    }

    @Override
    public void transferStarted(HubFile file, long fromByte) {
        if (fromByte > 0) {
            line("resuming " + file.path() + " from byte " + fromByte + " (" + ProgressLine.bytes(fromByte) + " of "
                    + ProgressLine.bytes(file.size()) + " already here)");
        } else {
            line("downloading " + file.path() + " (" + ProgressLine.bytes(file.size()) + ")");
        }
        startNanos = nanoClock.getAsLong();
        startBytes = fromByte;
        lastDrawNanos = Long.MIN_VALUE;
        nextPercentToLog = percent(fromByte, file.size()) / 10 * 10 + 10;
    }

    @Override
    public void transferred(HubFile file, long bytesDone) {
        long now = nanoClock.getAsLong();
        boolean complete = bytesDone == file.size();
        if (terminal) {
            if (complete || lastDrawNanos == Long.MIN_VALUE || now - lastDrawNanos >= REDRAW_NANOS) {
                draw(ProgressLine.format(file.fileName(), bytesDone, file.size(), rate(bytesDone, now)));
                lastDrawNanos = now;
            }
        } else if (percent(bytesDone, file.size()) >= nextPercentToLog) {
            err.println(ProgressLine.format(file.fileName(), bytesDone, file.size(), rate(bytesDone, now)));
            err.flush();
            nextPercentToLog = percent(bytesDone, file.size()) / 10 * 10 + 10;
        }
    }

    @Override
    public void restarted(HubFile file, String reason) {
        line(file.path() + ": " + reason + "; starting again from byte 0");
    }

    @Override
    public void verifying(HubFile file) {
        line("verifying the " + file.checksum().kind().label() + " of " + file.path());
    }

    /** Ends a line drawn in place, so that what is printed next starts on its own line. */
    void finish() {
        if (drawnLength > 0) {
            err.println();
            err.flush();
            drawnLength = 0;
        }
    }

    private void line(String text) {
        finish();
        err.println(text);
        err.flush();
    }

    private void draw(String text) {
        // Spaces rub out the end of a longer line drawn before.
        err.print("\r" + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        err.flush();
        drawnLength = text.length();
    }

    private double rate(long bytesDone, long now) {
        double seconds = (now - startNanos) / 1e9;
        return seconds > 0 ? (bytesDone - startBytes) / seconds : 0;
    }

    private static long percent(long done, long total) {
        return total == 0 ? 100 : done * 100 / total;
    }
}
