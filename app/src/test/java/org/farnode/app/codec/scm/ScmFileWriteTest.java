package org.farnode.app.codec.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing replaces a file in one step and leaves no temporary file behind, whatever happens. */
class ScmFileWriteTest {
    @TempDir
    Path directory;

    @Test
    void writingLeavesOnlyTheFile() throws IOException {
        Path file = directory.resolve("model.scm");

        ScmFile.write(file, ScmFileSamples.small());

        assertThat(entries()).containsExactly("model.scm");
    }

    @Test
    void writingAgainReplacesTheFile() throws IOException {
        Path file = directory.resolve("model.scm");
        ScmFile.write(file, ScmFileSamples.small());
        ScmCodebook newer = ScmFileSamples.codebook(8, 6, new int[] {1}, new int[] {0});

        ScmFile.write(file, newer);

        assertThat(ScmFile.read(file)).isEqualTo(newer);
        assertThat(entries()).containsExactly("model.scm");
    }

    @Test
    void aRefusedCodebookLeavesTheOldFileAsItWas() throws IOException {
        Path file = directory.resolve("model.scm");
        ScmFile.write(file, ScmFileSamples.small());
        byte[] before = Files.readAllBytes(file);
        ScmCodebook small = ScmFileSamples.small();
        ScmCodebook withNaN = new ScmCodebook(small.model(), small.width(), Double.NaN, small.boundaries());

        assertThatThrownBy(() -> ScmFile.write(file, withNaN)).isInstanceOf(IllegalArgumentException.class);

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(entries()).containsExactly("model.scm");
    }

    @Test
    void aFailedMoveLeavesNoTemporaryFile() throws IOException {
        Path occupied = directory.resolve("model.scm");
        Files.createDirectory(occupied);
        Files.writeString(occupied.resolve("keep"), "a non-empty directory cannot be replaced by a file");

        assertThatThrownBy(() -> ScmFile.write(occupied, ScmFileSamples.small())).isInstanceOf(IOException.class);

        assertThat(entries()).containsExactly("model.scm");
        assertThat(occupied).isDirectory();
    }

    @Test
    void aMissingDirectoryIsAnIoErrorAndCreatesNothing() throws IOException {
        Path file = directory.resolve("not-there/model.scm");

        assertThatThrownBy(() -> ScmFile.write(file, ScmFileSamples.small())).isInstanceOf(IOException.class);

        assertThat(entries()).isEmpty();
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
