package org.farnode.installer.icons;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A Windows icon (.ico) holding one PNG per size, the form Windows has read since Vista.
 * All numbers are little-endian:
 *
 * <pre>
 * ICONDIR        0  u16 reserved = 0
 *                2  u16 type = 1 (icon)
 *                4  u16 count
 * ICONDIRENTRY   6 + 16 * i, one per image:
 *                0  u8  width  (0 means 256)
 *                1  u8  height (0 means 256)
 *                2  u8  palette colours = 0 (none)
 *                3  u8  reserved = 0
 *                4  u16 colour planes = 1
 *                6  u16 bits per pixel = 32
 *                8  u32 length of the image's PNG
 *               12  u32 offset of the PNG from the start of the file
 * then the PNGs, in the entries' order, each where its entry says
 * </pre>
 */
final class IcoFile {
    static final int HEADER_BYTES = 6;
    static final int ENTRY_BYTES = 16;
    /** An entry's width and height are one byte each: 256 is written as 0 and nothing larger fits. */
    static final int LARGEST_SIZE = 256;

    private IcoFile() {
    }

    /** @param images square images of 1 to 256 px, in the order their entries are to appear */
    static byte[] of(List<BufferedImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("an icon file needs at least one image");
        }
        List<byte[]> pngs = images.stream().map(IcoFile::checkedPng).toList();
        ByteBuffer directory = ByteBuffer.allocate(HEADER_BYTES + ENTRY_BYTES * images.size()).order(ByteOrder.LITTLE_ENDIAN);
        directory.putShort((short) 0).putShort((short) 1).putShort((short) images.size());
        int offset = directory.capacity();
        for (int i = 0; i < images.size(); i++) {
            int size = images.get(i).getWidth();
            byte sizeByte = (byte) (size == LARGEST_SIZE ? 0 : size);
            directory.put(sizeByte).put(sizeByte).put((byte) 0).put((byte) 0);
            directory.putShort((short) 1).putShort((short) 32);
            directory.putInt(pngs.get(i).length).putInt(offset);
            offset += pngs.get(i).length;
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream(offset);
        file.writeBytes(directory.array());
        pngs.forEach(file::writeBytes);
        return file.toByteArray();
    }

    private static byte[] checkedPng(BufferedImage image) {
        int size = image.getWidth();
        if (size != image.getHeight() || size < 1 || size > LARGEST_SIZE) {
            throw new IllegalArgumentException("an icon image must be square, 1 to " + LARGEST_SIZE + " px, was "
                    + image.getWidth() + "x" + image.getHeight());
        }
        return PngBytes.of(image);
    }
}
