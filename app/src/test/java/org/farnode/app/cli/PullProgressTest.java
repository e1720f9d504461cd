package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.farnode.app.hub.Checksum;
import org.farnode.app.hub.HubFile;
import org.junit.jupiter.api.Test;

class PullProgressTest {
    private static final HubFile FILE = new HubFile("sub/m.gguf", 100_000_000, Checksum.sha256("00"));

    private final StringWriter text = new StringWriter();
    private final AtomicLong nanos = new AtomicLong();

    private PullProgress progress(boolean terminal) {
        return new PullProgress(new PrintWriter(text), terminal, nanos::get);
    }

    @Test
    void formatsPercentBytesSpeedAndTimeLeft() {
        assertThat(ProgressLine.format("m.gguf", 45_000_000, 100_000_000, 5e6))
                .isEqualTo("m.gguf   45%  45.0 MB / 100.0 MB  5.0 MB/s  ETA 0:11");
        assertThat(ProgressLine.format("m.gguf", 0, 4_920_000_000L, 0)).endsWith("0 B / 4.92 GB  0.0 MB/s  ETA --:--");
        assertThat(ProgressLine.bytes(999)).isEqualTo("999 B");
        assertThat(ProgressLine.bytes(1_185_376)).isEqualTo("1.2 MB");
        assertThat(ProgressLine.duration(3 * 3600 + 61)).isEqualTo("3:01:01");
    }

    @Test
    void withoutATerminalLogsALineEveryTenPercent() {
        PullProgress progress = progress(false);
        progress.transferStarted(FILE, 0);
        for (long done = 1_000_000; done <= FILE.size(); done += 1_000_000) {
            nanos.addAndGet(100_000_000); // 10 MB/s
            progress.transferred(FILE, done);
        }
        assertThat(text.toString().lines()).hasSize(11).first().isEqualTo("downloading sub/m.gguf (100.0 MB)");
        assertThat(text.toString().lines().skip(1)).allMatch(l -> l.matches("m\\.gguf +\\d+%  .* MB/s  ETA .*"))
                .last().asString().contains("100%").contains("10.0 MB/s").endsWith("ETA 0:00");
    }

    @Test
    void aResumeSaysFromWhichByteAndCountsOnFromThere() {
        PullProgress progress = progress(false);
        progress.transferStarted(FILE, 55_000_000);
        nanos.addAndGet(1_000_000_000);
        progress.transferred(FILE, 59_000_000);
        progress.transferred(FILE, 60_000_000);
        assertThat(text.toString().lines()).containsExactly(
                "resuming sub/m.gguf from byte 55000000 (55.0 MB of 100.0 MB already here)",
                "m.gguf   60%  60.0 MB / 100.0 MB  5.0 MB/s  ETA 0:08");
    }

    @Test
    void onATerminalRedrawsOneLineInPlace() {
        PullProgress progress = progress(true);
        progress.transferStarted(FILE, 0);
        progress.transferred(FILE, 1);
        progress.transferred(FILE, 2); // within 100 ms of the last draw: not drawn
        nanos.addAndGet(200_000_000);
        progress.transferred(FILE, FILE.size());
        progress.verifying(FILE);
        progress.alreadyPresent(FILE, Path.of("x"));
        String[] lines = text.toString().split("\n");
        assertThat(lines[0]).isEqualTo("downloading sub/m.gguf (100.0 MB)");
        assertThat(lines[1]).startsWith("\rm.gguf    0%").contains("\rm.gguf  100%").doesNotContain("2 B");
        assertThat(lines[2]).isEqualTo("verifying the sha256 of sub/m.gguf");
        assertThat(lines[3]).isEqualTo("sub/m.gguf: already downloaded and verified, not fetched again");
    }
}
