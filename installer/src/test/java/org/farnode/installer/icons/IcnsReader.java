package org.farnode.installer.icons;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/** Reads an .icns of PNG entries, independently of {@link IcnsFile}, checking the layout as it goes. */
final class IcnsReader {
    /** One entry: its type code, its length with its 8-byte header, and its PNG decoded. */
    record Entry(String type, int length, BufferedImage image) {
    }

    private IcnsReader() {
    }

    static List<Entry> read(byte[] file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(file); // big-endian, as ByteBuffer is by default
        assertThat(fourLetters(in)).as("magic").isEqualTo("icns");
        assertThat(in.getInt()).as("the header's file length").isEqualTo(file.length);
        List<Entry> entries = new ArrayList<>();
        while (in.hasRemaining()) {
            String type = fourLetters(in);
            int length = in.getInt();
            assertThat(length).as(type + " length").isGreaterThan(8).isLessThanOrEqualTo(in.remaining() + 8);
            byte[] png = Arrays.copyOfRange(file, in.position(), in.position() + length - 8);
            in.position(in.position() + length - 8);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image).as(type + " decodes as a PNG").isNotNull();
            entries.add(new Entry(type, length, image));
        }
        return entries;
    }

    private static String fourLetters(ByteBuffer in) {
        byte[] letters = new byte[4];
        in.get(letters);
        return new String(letters, StandardCharsets.US_ASCII);
    }
}
