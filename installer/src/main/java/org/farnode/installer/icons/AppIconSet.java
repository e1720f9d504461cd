package org.farnode.installer.icons;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.farnode.ui.shell.AppIconArtwork;

/**
 * Every icon file the installers take, drawn from one {@link AppIconArtwork}: a PNG per size
 * (Linux desktops and .deb/.rpm), {@code far-node.png} for jpackage's {@code --icon} on Linux,
 * {@code far-node.ico} for Windows and {@code far-node.icns} for macOS.
 */
final class AppIconSet {
    static final String BASE_NAME = "far-node";
    static final List<Integer> PNG_SIZES = List.of(16, 24, 32, 48, 64, 128, 256, 512, 1024);
    /** The size of far-node.png; 256 is the largest Linux desktops commonly show. */
    static final int LINUX_ICON_SIZE = 256;
    /** The sizes Windows picks from, lists to the task bar and the 256 px Explorer view. */
    static final List<Integer> ICO_SIZES = List.of(16, 24, 32, 48, 64, 128, 256);

    private final AppIconArtwork artwork;
    /** Each size drawn once, though 512 px, for one, goes into three files. */
    private final Map<Integer, BufferedImage> rendered = new HashMap<>();

    AppIconSet(AppIconArtwork artwork) {
        this.artwork = artwork;
    }

    /** The files in the order {@code WriteIcons} writes them. */
    List<IconFile> files() {
        List<IconFile> files = new ArrayList<>();
        for (int size : PNG_SIZES) {
            files.add(new IconFile(pngName(size), PngBytes.of(image(size))));
        }
        files.add(new IconFile(BASE_NAME + ".png", PngBytes.of(image(LINUX_ICON_SIZE))));
        files.add(new IconFile(BASE_NAME + ".ico", IcoFile.of(ICO_SIZES.stream().map(this::image).toList())));
        Map<IcnsSlot, BufferedImage> slots = new EnumMap<>(IcnsSlot.class);
        for (IcnsSlot slot : IcnsSlot.values()) {
            slots.put(slot, image(slot.pixels()));
        }
        files.add(new IconFile(BASE_NAME + ".icns", IcnsFile.of(slots)));
        return files;
    }

    static String pngName(int size) {
        return BASE_NAME + "-" + size + ".png";
    }

    /** The artwork at this size; drawn once per set. */
    BufferedImage image(int size) {
        return rendered.computeIfAbsent(size, artwork::render);
    }
}
