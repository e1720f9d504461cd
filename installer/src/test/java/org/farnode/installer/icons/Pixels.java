package org.farnode.installer.icons;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;

/** Compares images pixel by pixel; fails on the first pixel that differs, naming it. */
final class Pixels {
    private Pixels() {
    }

    /** The same size and the same non-premultiplied ARGB in every pixel. */
    static void assertSame(String what, BufferedImage actual, BufferedImage expected) {
        compare(what, actual, expected, 0, false);
    }

    /**
     * The same size, and in every pixel alpha and the alpha-weighted colour channels within
     * {@code tolerance}: the colour of a nearly transparent pixel may swing widely while
     * what it adds to the picture barely moves, so it is weighted by its alpha.
     */
    static void assertLooksSame(String what, BufferedImage actual, BufferedImage expected, int tolerance) {
        compare(what, actual, expected, tolerance, true);
    }

    private static void compare(String what, BufferedImage actual, BufferedImage expected, int tolerance, boolean weighted) {
        assertThat(actual.getWidth()).as(what + " width").isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).as(what + " height").isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int got = actual.getRGB(x, y);
                int want = expected.getRGB(x, y);
                for (int shift = 0; shift < 32; shift += 8) {
                    int difference = Math.abs(channel(got, shift, weighted) - channel(want, shift, weighted));
                    if (difference > tolerance) {
                        throw new AssertionError(String.format("%s: pixel (%d, %d) is %08x, expected %08x (tolerance %d)",
                                what, x, y, got, want, tolerance));
                    }
                }
            }
        }
    }

    private static int channel(int argb, int shift, boolean weighted) {
        int value = argb >>> shift & 0xff;
        boolean isAlpha = shift == 24;
        return weighted && !isAlpha ? Math.round(value * (argb >>> 24) / 255f) : value;
    }
}
