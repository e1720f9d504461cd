package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;

/** The window carries the app icon at each size a desktop asks for, copied pixel for pixel from the artwork. */
@ExtendWith(ApplicationExtension.class)
class WindowIconsTest {
    @Test
    void theStageHasTheAppIconAtEachWindowIconSize(@TempDir Path dataFolder) throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> new AppShell(stage, dataFolder, false, false));

        List<Image> icons = List.copyOf(stage.getIcons());
        assertThat(icons).extracting(icon -> (int) icon.getWidth()).containsExactlyElementsOf(AppShell.WINDOW_ICON_SIZES);
        assertThat(icons).allSatisfy(icon -> assertThat(icon.getHeight()).isEqualTo(icon.getWidth()));
        int size = (int) icons.getFirst().getWidth();
        assertCopied(AppIconArtwork.brand().render(size), icons.getFirst());
    }

    @Test
    void theCopyHasTheArtworksPixels() {
        BufferedImage artwork = AppIconArtwork.brand().render(48);
        WritableImage copy = FxImageCopy.of(artwork);
        assertCopied(artwork, copy);
    }

    /**
     * Alpha exactly; colour within what JavaFX's premultiplied storage keeps: at alpha a, a colour
     * channel survives only to about 255 / a levels.
     */
    private static void assertCopied(BufferedImage artwork, Image copy) {
        PixelReader pixels = copy.getPixelReader();
        for (int y = 0; y < artwork.getHeight(); y++) {
            for (int x = 0; x < artwork.getWidth(); x++) {
                int want = artwork.getRGB(x, y);
                int got = pixels.getArgb(x, y);
                int alpha = want >>> 24;
                assertThat(got >>> 24).as("alpha at (%d, %d)", x, y).isEqualTo(alpha);
                if (alpha == 0) {
                    continue;
                }
                int tolerance = (int) Math.ceil(255.0 / alpha);
                for (int shift = 0; shift < 24; shift += 8) {
                    assertThat(got >>> shift & 0xff).as("channel at (%d, %d)", x, y)
                            .isCloseTo(want >>> shift & 0xff, org.assertj.core.data.Offset.offset(tolerance));
                }
            }
        }
    }
}
