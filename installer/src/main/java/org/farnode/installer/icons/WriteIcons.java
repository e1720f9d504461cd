package org.farnode.installer.icons;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.farnode.ui.shell.AppIconArtwork;

/**
 * Writes the app's icon files into a folder, normally assets/icons, replacing what is there:
 * {@code java -cp installer.jar:ui.jar org.farnode.installer.icons.WriteIcons assets/icons}
 * (scripts/write-icons.sh builds and runs it).
 */
public final class WriteIcons {
    private WriteIcons() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: WriteIcons <folder>   (writes far-node-16.png ... far-node-1024.png, far-node.png, "
                    + "far-node.ico and far-node.icns there)");
            System.exit(2);
        }
        Path folder = Files.createDirectories(Path.of(args[0]));
        long total = 0;
        for (IconFile file : new AppIconSet(AppIconArtwork.brand()).files()) {
            Files.write(folder.resolve(file.name()), file.bytes());
            System.out.printf("%-20s %,9d bytes%n", file.name(), file.bytes().length);
            total += file.bytes().length;
        }
        System.out.printf("%-20s %,9d bytes in %s%n", "total", total, folder);
    }
}
