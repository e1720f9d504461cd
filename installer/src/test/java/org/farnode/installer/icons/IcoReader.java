package org.farnode.installer.icons;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/** Reads a .ico of PNG entries as Windows would, independently of {@link IcoFile}, checking the layout as it goes. */
final class IcoReader {
    /** One ICONDIRENTRY and the PNG it points at, decoded. */
    record Entry(int width, int height, int paletteColours, int planes, int bitsPerPixel, int length, int offset,
                 BufferedImage image) {
    }

    private IcoReader() {
    }

    static List<Entry> read(byte[] file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(in.getShort()).as("reserved").isZero();
        assertThat(in.getShort()).as("type 1, an icon").isEqualTo((short) 1);
        int count = Short.toUnsignedInt(in.getShort());
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int width = sizeFromByte(in.get());
            int height = sizeFromByte(in.get());
            int paletteColours = Byte.toUnsignedInt(in.get());
            assertThat(in.get()).as("entry " + i + " reserved byte").isZero();
            int planes = Short.toUnsignedInt(in.getShort());
            int bitsPerPixel = Short.toUnsignedInt(in.getShort());
            int length = in.getInt();
            int offset = in.getInt();
            assertThat((long) offset + length).as("entry " + i + " ends inside the file").isLessThanOrEqualTo(file.length);
            byte[] png = Arrays.copyOfRange(file, offset, offset + length);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image).as("entry " + i + " decodes as a PNG").isNotNull();
            entries.add(new Entry(width, height, paletteColours, planes, bitsPerPixel, length, offset, image));
        }
        return entries;
    }

    /** A width or height byte: 0 stands for 256. */
    private static int sizeFromByte(byte value) {
        int size = Byte.toUnsignedInt(value);
        return size == 0 ? 256 : size;
    }
}
