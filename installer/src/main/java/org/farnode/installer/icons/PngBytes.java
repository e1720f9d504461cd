package org.farnode.installer.icons;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** PNG encoding of an image, at the strongest compression: the icon files are committed and shipped in every installer. */
final class PngBytes {
    private PngBytes() {
    }

    static byte[] of(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam strongest = writer.getDefaultWriteParam();
        strongest.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        // The JDK's PNG writer turns quality 0 into deflate level 9.
        strongest.setCompressionQuality(0f);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), strongest);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a " + image.getWidth() + " px PNG in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
