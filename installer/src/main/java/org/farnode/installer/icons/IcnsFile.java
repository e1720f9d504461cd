package org.farnode.installer.icons;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * A macOS icon (.icns) with a PNG in each slot. All numbers are big-endian:
 *
 * <pre>
 * header   0  4 bytes  'icns'
 *          4  u32      length of the whole file, header included
 * entry    0  4 bytes  type code, e.g. 'ic08' (see {@link IcnsSlot})
 *          4  u32      length of the entry, these 8 bytes included
 *          8  ...      the PNG
 * entries follow one another, in {@link IcnsSlot} order
 * </pre>
 */
final class IcnsFile {
    static final String MAGIC = "icns";
    static final int HEADER_BYTES = 8;
    static final int ENTRY_HEADER_BYTES = 8;

    private IcnsFile() {
    }

    /** @param images an image for each slot to fill, each of the slot's size */
    static byte[] of(Map<IcnsSlot, BufferedImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("an icns file needs at least one image");
        }
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        new EnumMap<>(images).forEach((slot, image) -> {
            if (image.getWidth() != slot.pixels() || image.getHeight() != slot.pixels()) {
                throw new IllegalArgumentException(slot.type() + " holds a " + slot.pixels() + " px square image, was given "
                        + image.getWidth() + "x" + image.getHeight());
            }
            byte[] png = PngBytes.of(image);
            entries.writeBytes(slot.type().getBytes(StandardCharsets.US_ASCII));
            entries.writeBytes(ByteBuffer.allocate(4).putInt(ENTRY_HEADER_BYTES + png.length).array());
            entries.writeBytes(png);
        });
        ByteBuffer file = ByteBuffer.allocate(HEADER_BYTES + entries.size());
        file.put(MAGIC.getBytes(StandardCharsets.US_ASCII)).putInt(file.capacity()).put(entries.toByteArray());
        return file.array();
    }
}
