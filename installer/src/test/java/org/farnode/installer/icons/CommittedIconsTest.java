package org.farnode.installer.icons;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.farnode.ui.shell.AppIconArtwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The icon files committed in assets/icons are what the code draws now, so a change to the
 * artwork cannot ship with stale icons: run scripts/write-icons.sh and commit its output.
 *
 * <p>Images are compared decoded, allowing 2 levels in alpha and in alpha-weighted colour: another
 * JDK build may round an antialiased edge differently, while any change to the drawing moves
 * pixels much further.
 */
class CommittedIconsTest {
    private static final String REGENERATE = "assets/icons is stale: run scripts/write-icons.sh and commit the result";
    private static final int JDK_ROUNDING = 2;
    private static final Path ICONS = Path.of(System.getProperty("far.assets", "../assets")).resolve("icons");

    private static Map<String, byte[]> generated;

    @BeforeAll
    static void generate() {
        generated = new AppIconSet(AppIconArtwork.brand()).files().stream()
                .collect(Collectors.toMap(IconFile::name, IconFile::bytes));
    }

    @Test
    void theFolderHoldsExactlyTheGeneratedFilesAndItsReadme() throws IOException {
        try (Stream<Path> files = Files.list(ICONS)) {
            assertThat(files.map(file -> file.getFileName().toString()).filter(name -> !name.equals("README.md")))
                    .as(REGENERATE).containsExactlyInAnyOrderElementsOf(generated.keySet());
        }
    }

    @Test
    void everyPngHasTheArtworksPixels() throws IOException {
        for (String name : generated.keySet().stream().filter(name -> name.endsWith(".png")).sorted().toList()) {
            Pixels.assertLooksSame(name + ": " + REGENERATE, decode(committed(name)), decode(generated.get(name)), JDK_ROUNDING);
        }
    }

    @Test
    void theIcoHasTheGeneratedEntries() throws IOException {
        compareEntries("far-node.ico", IcoReader::read, entry -> entry.width() + "x" + entry.height(), IcoReader.Entry::image);
    }

    @Test
    void theIcnsHasTheGeneratedEntries() throws IOException {
        compareEntries("far-node.icns", IcnsReader::read, IcnsReader.Entry::type, IcnsReader.Entry::image);
    }

    @Test
    void theReadmeNamesEveryFileAndTheWholeSetStaysUnderOneMegabyte() throws IOException {
        String readme = Files.readString(ICONS.resolve("README.md"));
        assertThat(generated.keySet()).allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
        long total = 0;
        for (String name : generated.keySet()) {
            total += Files.size(ICONS.resolve(name));
        }
        assertThat(total).isLessThan(1 << 20);
    }

    private interface Reader<E> {
        List<E> read(byte[] file) throws IOException;
    }

    private static <E> void compareEntries(String name, Reader<E> reader, Function<E, String> label,
                                           Function<E, BufferedImage> image) throws IOException {
        List<E> committed = reader.read(committed(name));
        List<E> expected = reader.read(generated.get(name));
        assertThat(committed).extracting(label).as(name + ": " + REGENERATE).containsExactlyElementsOf(
                expected.stream().map(label).toList());
        for (int i = 0; i < expected.size(); i++) {
            Pixels.assertLooksSame(name + " " + label.apply(expected.get(i)) + ": " + REGENERATE,
                    image.apply(committed.get(i)), image.apply(expected.get(i)), JDK_ROUNDING);
        }
    }

    private static byte[] committed(String name) throws IOException {
        return Files.readAllBytes(ICONS.resolve(name));
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
