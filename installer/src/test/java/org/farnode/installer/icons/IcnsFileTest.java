package org.farnode.installer.icons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.farnode.ui.shell.AppIconArtwork;
import org.junit.jupiter.api.Test;

/** The .icns round trip: what {@link IcnsFile} writes, read back by a reader of the format, is the artwork in each slot. */
class IcnsFileTest {
    @Test
    void everySlotReadsBackAsTheArtworkAtItsSize() throws Exception {
        AppIconArtwork artwork = AppIconArtwork.brand();
        Map<IcnsSlot, BufferedImage> images = new EnumMap<>(IcnsSlot.class);
        for (IcnsSlot slot : IcnsSlot.values()) {
            images.put(slot, artwork.render(slot.pixels()));
        }

        byte[] file = IcnsFile.of(images);
        List<IcnsReader.Entry> entries = IcnsReader.read(file);

        assertThat(entries).extracting(IcnsReader.Entry::type).containsExactly(
                "icp4", "icp5", "icp6", "ic07", "ic08", "ic09", "ic10", "ic11", "ic12", "ic13", "ic14");
        int total = IcnsFile.HEADER_BYTES;
        for (IcnsReader.Entry entry : entries) {
            IcnsSlot slot = IcnsSlot.valueOf(entry.type().toUpperCase());
            Pixels.assertSame(entry.type(), entry.image(), images.get(slot));
            total += entry.length();
        }
        assertThat(total).as("the entries fill the file after its header").isEqualTo(file.length);
    }

    @Test
    void theSlotsHoldTheSizesMacOsExpects() {
        assertThat(Arrays.stream(IcnsSlot.values()).map(slot -> slot.type() + "=" + slot.pixels())).containsExactly(
                "icp4=16", "icp5=32", "icp6=64", "ic07=128", "ic08=256", "ic09=512",
                "ic10=1024", "ic11=32", "ic12=64", "ic13=256", "ic14=512");
    }

    @Test
    void theHeaderIsTheMagicAndTheFileLengthBigEndian() {
        byte[] file = IcnsFile.of(Map.of(IcnsSlot.ICP4, AppIconArtwork.brand().render(16)));
        assertThat(new String(file, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("icns");
        int length = (file[4] & 0xff) << 24 | (file[5] & 0xff) << 16 | (file[6] & 0xff) << 8 | file[7] & 0xff;
        assertThat(length).isEqualTo(file.length);
    }

    @Test
    void refusesAnImageOfTheWrongSizeForItsSlot() {
        assertThatThrownBy(() -> IcnsFile.of(Map.of(IcnsSlot.IC11, AppIconArtwork.brand().render(16))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ic11 holds a 32 px square image, was given 16x16");
    }
}
