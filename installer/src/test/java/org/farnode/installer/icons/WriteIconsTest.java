package org.farnode.installer.icons;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.farnode.ui.shell.AppIconArtwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point writes the whole set, byte for byte, into a folder it creates. */
class WriteIconsTest {
    @Test
    void writesEveryFileOfTheSetIntoANewFolder(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("icons");

        WriteIcons.main(new String[] {folder.toString()});

        for (IconFile file : new AppIconSet(AppIconArtwork.brand()).files()) {
            assertThat(Files.readAllBytes(folder.resolve(file.name()))).as(file.name()).isEqualTo(file.bytes());
        }
        assertThat(folder.resolve("far-node.png")).hasSameBinaryContentAs(folder.resolve(AppIconSet.pngName(256)));
    }
}
