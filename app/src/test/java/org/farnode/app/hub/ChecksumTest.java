package org.farnode.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumTest {

    @TempDir
    Path dir;

    @Test
    void computesSha256AndGitBlobIdsAsTheHubRecordsThem() throws Exception {
        Path hello = Files.writeString(dir.resolve("hello"), "hello\n");
        // `sha256sum` and `git hash-object` of the same file.
        assertThat(Checksum.sha256("X").computeFor(hello))
                .isEqualTo("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
        assertThat(Checksum.gitBlobSha1("X").computeFor(hello)).isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a");
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThat(Checksum.gitBlobSha1("X").computeFor(empty)).isEqualTo("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    @Test
    void keepsHexInLowerCase() {
        assertThat(Checksum.sha256("ABCDEF").hex()).isEqualTo("abcdef");
    }
}
