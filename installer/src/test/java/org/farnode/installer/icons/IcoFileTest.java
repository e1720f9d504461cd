package org.farnode.installer.icons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import org.farnode.ui.shell.AppIconArtwork;
import org.junit.jupiter.api.Test;

/** The .ico round trip: what {@link IcoFile} writes, read back by a reader of the format, is the artwork at each size. */
class IcoFileTest {
    @Test
    void everySizeReadsBackAsTheArtworkWithTheDirectoryPointingAtItsPng() throws Exception {
        AppIconArtwork artwork = AppIconArtwork.brand();
        List<BufferedImage> images = AppIconSet.ICO_SIZES.stream().map(artwork::render).toList();

        byte[] file = IcoFile.of(images);
        List<IcoReader.Entry> entries = IcoReader.read(file);

        assertThat(entries).hasSize(images.size());
        int expectedOffset = IcoFile.HEADER_BYTES + IcoFile.ENTRY_BYTES * images.size();
        for (int i = 0; i < entries.size(); i++) {
            IcoReader.Entry entry = entries.get(i);
            int size = AppIconSet.ICO_SIZES.get(i);
            assertThat(entry.width()).isEqualTo(size);
            assertThat(entry.height()).isEqualTo(size);
            assertThat(entry.paletteColours()).isZero();
            assertThat(entry.planes()).isEqualTo(1);
            assertThat(entry.bitsPerPixel()).isEqualTo(32);
            assertThat(entry.offset()).as("entry %d follows the one before", i).isEqualTo(expectedOffset);
            Pixels.assertSame(size + " px entry", entry.image(), images.get(i));
            expectedOffset += entry.length();
        }
        assertThat(expectedOffset).as("the last PNG ends the file").isEqualTo(file.length);
    }

    @Test
    void theWidthAndHeightBytesOf256AreZero() {
        byte[] file = IcoFile.of(List.of(AppIconArtwork.brand().render(256)));
        assertThat(file[IcoFile.HEADER_BYTES]).isZero();
        assertThat(file[IcoFile.HEADER_BYTES + 1]).isZero();
    }

    @Test
    void refusesWhatAnEntryCannotDescribe() {
        assertThatThrownBy(() -> IcoFile.of(List.of(new BufferedImage(512, 512, BufferedImage.TYPE_INT_ARGB))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 256 px, was 512x512");
        assertThatThrownBy(() -> IcoFile.of(List.of(new BufferedImage(32, 16, BufferedImage.TYPE_INT_ARGB))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("square");
        assertThatThrownBy(() -> IcoFile.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
