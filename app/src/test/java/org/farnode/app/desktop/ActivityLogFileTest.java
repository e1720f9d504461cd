package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivityLogFileTest {
    @TempDir
    Path folder;

    private static ActivityLog.Entry entry(int i) {
        return new ActivityLog.Entry(Instant.parse("2026-11-28T15:00:00Z").plusSeconds(i), "peer", "event " + i);
    }

    @Test
    void writesEachEntryAsALineInTheDataFoldersLogsAndAppendsAcrossRuns() throws Exception {
        try (ActivityLogFile log = ActivityLogFile.in(folder)) {
            log.accept(entry(0));
            assertThat(log.file()).isEqualTo(folder.resolve("logs/far-node.log"));
        }
        try (ActivityLogFile log = ActivityLogFile.in(folder)) {
            log.accept(entry(1));
        }
        List<String> lines = Files.readAllLines(folder.resolve("logs/far-node.log"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).endsWith("  peer  event 1");
    }

    @Test
    void pastItsLimitTheFileBecomesTheOlderOneAndTheTwoStayBounded() throws Exception {
        Path file = folder.resolve("logs/far-node.log");
        try (ActivityLogFile log = ActivityLogFile.at(file, 1_000, ZoneOffset.UTC)) {
            for (int i = 0; i < 200; i++) {
                log.accept(entry(i));
            }
        }
        Path older = folder.resolve("logs/far-node.log.1");
        assertThat(Files.size(file)).isLessThanOrEqualTo(1_000);
        assertThat(Files.size(older)).isLessThanOrEqualTo(1_000).isGreaterThan(900);
        assertThat(Files.readAllLines(file).getLast()).isEqualTo("2026-11-28 15:03:19.000 +0000  peer  event 199");
        List<String> olderLines = Files.readAllLines(older);
        int firstNew = Integer.parseInt(Files.readAllLines(file).getFirst().replaceAll(".*event ", ""));
        assertThat(olderLines.getLast()).endsWith("event " + (firstNew - 1));
    }

    @Test
    void aLogThatCannotBeWrittenIsGivenUpWithoutThrowing() throws Exception {
        Path file = folder.resolve("logs/far-node.log");
        Path older = folder.resolve("logs/far-node.log.1");
        Files.createDirectories(older.resolve("in-the-way")); // rotation cannot replace a folder that is not empty
        ActivityLogFile log = ActivityLogFile.at(file, 1_000, ZoneOffset.UTC);
        for (int i = 0; i < 100; i++) {
            log.accept(entry(i));
        }
        log.close();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).as("the entries before the failed rotation").isNotEmpty().hasSizeLessThan(100);
        assertThat(lines.getLast()).endsWith("event " + (lines.size() - 1));
    }
}
