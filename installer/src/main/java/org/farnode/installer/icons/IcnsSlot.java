package org.farnode.installer.icons;

/**
 * The places for a PNG in a macOS icon (.icns), each a four-letter type code and the pixel size
 * macOS expects there. The @2x slots hold the Retina image of a smaller point size, so 32 px
 * appears as both {@code icp5} (32 pt) and {@code ic11} (16 pt at 2x).
 */
enum IcnsSlot {
    ICP4("icp4", 16),
    ICP5("icp5", 32),
    ICP6("icp6", 64),
    IC07("ic07", 128),
    IC08("ic08", 256),
    IC09("ic09", 512),
    /** 512 pt at 2x. */
    IC10("ic10", 1024),
    /** 16 pt at 2x. */
    IC11("ic11", 32),
    /** 32 pt at 2x. */
    IC12("ic12", 64),
    /** 128 pt at 2x. */
    IC13("ic13", 256),
    /** 256 pt at 2x. */
    IC14("ic14", 512);

    private final String type;
    private final int pixels;

    IcnsSlot(String type, int pixels) {
        this.type = type;
        this.pixels = pixels;
    }

    /** The entry's four-letter type code, as written in the file. */
    String type() {
        return type;
    }

    /** The width and height of the image the slot holds. */
    int pixels() {
        return pixels;
    }
}
