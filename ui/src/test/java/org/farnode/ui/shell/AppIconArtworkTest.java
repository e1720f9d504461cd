package org.farnode.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The app icon's drawing, without a display: a badge with transparent corners, a visible mark, the accent where asked. */
class AppIconArtworkTest {
    private static final int WHITE = 0xffffffff;

    @Test
    void theSixteenPixelIconShowsAMarkOnABadge() {
        BufferedImage icon = AppIconArtwork.brand().render(16);

        Set<Integer> opaqueColours = new HashSet<>();
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                if (icon.getRGB(x, y) >>> 24 == 0xff) {
                    opaqueColours.add(icon.getRGB(x, y));
                }
            }
        }
        assertThat(opaqueColours).as("not blank, not one flat colour").hasSizeGreaterThan(4).contains(WHITE);
        Color topPeer = new Color(icon.getRGB(8, 4), true);
        assertThat(List.of(topPeer.getAlpha(), topPeer.getRed(), topPeer.getGreen(), topPeer.getBlue())).as("the top peer, white")
                .allSatisfy(channel -> assertThat(channel).isGreaterThan(230));
    }

    @Test
    void everySizeIsTransparentAtItsCornersAndWhiteAtTheMarksHub() {
        for (int size : new int[] {16, 17, 23, 24, 31, 32, 48, 64, 100, 128, 256, 512, 1024}) {
            BufferedImage icon = AppIconArtwork.brand().render(size);
            assertThat(icon.getWidth()).isEqualTo(size);
            assertThat(icon.getHeight()).isEqualTo(size);
            assertThat(icon.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            int last = size - 1;
            for (int[] corner : new int[][] {{0, 0}, {last, 0}, {0, last}, {last, last}}) {
                assertThat(icon.getRGB(corner[0], corner[1]) >>> 24).as("%d px corner (%d, %d) alpha", size, corner[0], corner[1])
                        .isZero();
            }
            if (size >= 24) {
                assertThat(icon.getRGB(size / 2, size / 2 + size / 32)).as("%d px hub", size).isEqualTo(WHITE);
            }
        }
    }

    @Test
    void theAccentColoursTheBadgeAndLeavesTheMarkWhite() {
        BufferedImage blue = AppIconArtwork.brand().render(64);
        BufferedImage amber = new AppIconArtwork(new Color(0xd4a72c)).render(64);

        // Just inside the badge's left edge, halfway down: badge, not mark.
        Color blueBadge = new Color(blue.getRGB(8, 32));
        Color amberBadge = new Color(amber.getRGB(8, 32));
        assertThat(blueBadge.getBlue()).isGreaterThan(blueBadge.getRed() + 100);
        assertThat(amberBadge.getRed()).isGreaterThan(amberBadge.getBlue() + 100);
        assertThat(amber.getRGB(32, 34)).isEqualTo(blue.getRGB(32, 34)).isEqualTo(WHITE);
    }

    @Test
    void refusesSizesOutsideItsRangeAndTranslucentAccents() {
        assertThatThrownBy(() -> AppIconArtwork.brand().render(15))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("size must be 16 to 1024 px, was 15");
        assertThatThrownBy(() -> AppIconArtwork.brand().render(1025)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AppIconArtwork(new Color(0, 0, 255, 128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opaque");
    }
}
