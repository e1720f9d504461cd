package org.farnode.ui.shell;

import java.awt.image.BufferedImage;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * Copies a Java2D image into a JavaFX one, pixel by pixel. The app's module path has no
 * javafx.swing, so SwingFXUtils is not there to do it.
 */
final class FxImageCopy {
    private FxImageCopy() {
    }

    /** A JavaFX image with the same size and the same non-premultiplied ARGB pixels. */
    static WritableImage of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        WritableImage copy = new WritableImage(width, height);
        copy.getPixelWriter().setPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), argb, 0, width);
        return copy;
    }
}
