package org.farnode.app.codec.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Codebooks survive the .scm file bit for bit, and the hash follows the values. */
class ScmFileRoundTripTest {
    @TempDir
    Path directory;

    static Stream<Arguments> codebooks() {
        return Stream.of(
                Arguments.of(Named.of("several boundaries, ranks 0 to 5, outliers none to several",
                        ScmFileSamples.codebook(1, 24, new int[] {3, 0, 5, 1, 0}, new int[] {0, 4, 7, 1, 0}))),
                Arguments.of(Named.of("width 1, rank 0 and 1, the one dimension an outlier",
                        ScmFileSamples.codebook(2, 1, new int[] {0, 1, 1}, new int[] {1, 0, 1}))),
                Arguments.of(Named.of("width 2048, 32 boundaries of rank 0 to 3",
                        ScmFileSamples.codebook(3, 2048, new Random(3).ints(32, 0, 4).toArray(), new Random(4).ints(32, 0, 30).toArray()))),
                Arguments.of(Named.of("full rank, every dimension an outlier",
                        ScmFileSamples.codebook(4, 9, new int[] {9}, new int[] {9}))),
                Arguments.of(Named.of("no boundaries", ScmFileSamples.codebook(5, 16, new int[0], new int[0]))));
    }

    @ParameterizedTest
    @MethodSource("codebooks")
    void bytesReadBackToAnEqualCodebookThatWritesTheSameBytes(ScmCodebook codebook) {
        byte[] bytes = ScmFile.toBytes(codebook);

        ScmCodebook back = ScmFile.fromBytes(bytes);

        assertThat(back).isEqualTo(codebook);
        assertThat(ScmFile.toBytes(back)).isEqualTo(bytes);
        assertThat(bitsOf(back)).isEqualTo(bitsOf(codebook));
    }

    @ParameterizedTest
    @MethodSource("codebooks")
    void aWrittenFileHoldsExactlyTheBytesAndReadsBack(ScmCodebook codebook) throws IOException {
        Path file = directory.resolve("model.scm");

        ScmFile.write(file, codebook);

        assertThat(Files.readAllBytes(file)).isEqualTo(ScmFile.toBytes(codebook));
        assertThat(ScmFile.read(file)).isEqualTo(codebook);
        assertThat(ScmFile.read(file, codebook.model())).isEqualTo(codebook);
    }

    @ParameterizedTest
    @MethodSource("codebooks")
    void theBytesFollowTheDocumentedLayout(ScmCodebook codebook) {
        byte[] bytes = ScmFile.toBytes(codebook);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo("FARSCM\0\0".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.getShort(ScmFileSamples.VERSION_OFFSET)).isEqualTo((short) 1);
        assertThat(Arrays.copyOfRange(bytes, ScmFileSamples.MODEL_OFFSET, ScmFileSamples.MODEL_OFFSET + 32))
                .isEqualTo(codebook.model().sha256());
        assertThat(in.getInt(ScmFileSamples.WIDTH_OFFSET)).isEqualTo(codebook.width());
        assertThat(in.getDouble(ScmFileSamples.FIDELITY_OFFSET)).isEqualTo(codebook.fidelityTarget());
        assertThat(in.getInt(ScmFileSamples.COUNT_OFFSET)).isEqualTo(codebook.boundaries().size());
        int[] offsets = ScmFileSamples.boundaryOffsets(codebook);
        for (int b = 0; b < offsets.length; b++) {
            ScmBoundary boundary = codebook.boundaries().get(b);
            int at = offsets[b];
            assertThat(in.getInt(at)).isEqualTo(boundary.boundary());
            assertThat(in.getInt(at + 4)).isEqualTo(boundary.rank());
            assertThat(in.getDouble(at + 8)).isEqualTo(boundary.explainedVariance());
            assertThat(in.getInt(at + 16)).isEqualTo(boundary.outliers().length);
            int meanAt = at + 20 + 4 * boundary.outliers().length;
            assertThat(in.getFloat(meanAt + 4 * (boundary.width() - 1))).isEqualTo(boundary.mean()[boundary.width() - 1]);
            int deviationsAt = meanAt + 4 * boundary.width() * (1 + boundary.rank());
            for (int k = 0; k < boundary.rank(); k++) {
                assertThat(in.getFloat(deviationsAt + 4 * k)).isEqualTo(boundary.deviations()[k]);
            }
        }
        int bodyEnd = bytes.length - 32;
        long expectedBody = offsets.length == 0 ? ScmFileSamples.FIRST_BOUNDARY_OFFSET
                : offsets[offsets.length - 1] + 20 + 4L * codebook.boundaries().getLast().outliers().length
                        + 4L * codebook.width() * (1 + codebook.boundaries().getLast().rank()) + 4L * codebook.boundaries().getLast().rank();
        assertThat(bodyEnd).isEqualTo(expectedBody);
        assertThat(Arrays.copyOfRange(bytes, bodyEnd, bytes.length))
                .isEqualTo(ScmFileSamples.sha256(Arrays.copyOf(bytes, bodyEnd)));
    }

    @Test
    void negativeZeroKeepsItsSignInEveryField() {
        ScmBoundary boundary = new ScmBoundary(0, 2, new float[] {-0.0f, 0.0f}, new int[0], 1, new float[] {0.0f, -0.0f}, -0.0);
        ScmCodebook codebook = new ScmCodebook(ScmFileSamples.randomModel(new Random(9)), 2, -0.0, List.of(boundary));

        ScmCodebook back = ScmFile.fromBytes(ScmFile.toBytes(codebook));

        ScmBoundary read = back.boundaries().getFirst();
        assertThat(Float.floatToRawIntBits(read.mean()[0])).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(Float.floatToRawIntBits(read.mean()[1])).isEqualTo(0);
        assertThat(Float.floatToRawIntBits(read.basis()[1])).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(Double.doubleToRawLongBits(read.explainedVariance())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Double.doubleToRawLongBits(back.fidelityTarget())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void theHashIsTheSha256OfTheFileAndSurvivesWritingAndReading() throws IOException {
        ScmCodebook codebook = ScmFileSamples.small();
        Path file = directory.resolve("small.scm");
        ScmFile.write(file, codebook);

        byte[] hash = ScmFile.hash(codebook);

        assertThat(hash).hasSize(32).isEqualTo(ScmFileSamples.sha256(Files.readAllBytes(file)));
        assertThat(ScmFile.hash(ScmFile.read(file))).isEqualTo(hash);
        assertThat(ScmFile.hash(ScmFileSamples.small())).as("an equal codebook built again").isEqualTo(hash);
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                change("model id", c -> new ScmCodebook(ScmFileSamples.randomModel(new Random(99)), c.width(), c.fidelityTarget(),
                        c.boundaries())),
                change("fidelity target by one ulp", c -> new ScmCodebook(c.model(), c.width(), Math.nextUp(c.fidelityTarget()),
                        c.boundaries())),
                change("a boundary left out", c -> new ScmCodebook(c.model(), c.width(), c.fidelityTarget(),
                        c.boundaries().subList(0, 2))),
                change("the last boundary's index", c -> replaceLast(c, b -> new ScmBoundary(b.boundary() + 100, b.width(), b.mean(),
                        b.outliers(), b.rank(), b.basis(), b.explainedVariance()))),
                change("explained variance by one ulp", c -> replaceFirst(c, b -> new ScmBoundary(b.boundary(), b.width(),
                        b.mean(), b.outliers(), b.rank(), b.basis(), Math.nextUp(b.explainedVariance())))),
                change("an outlier moved", c -> replaceFirst(c, b -> new ScmBoundary(b.boundary(), b.width(), b.mean(),
                        firstOutlierMoved(b), b.rank(), b.basis(), b.explainedVariance()))),
                change("a rank, with its basis", c -> replaceFirst(c, b -> new ScmBoundary(b.boundary(), b.width(), b.mean(),
                        b.outliers(), b.rank() - 1, Arrays.copyOf(b.basis(), (b.rank() - 1) * b.width()), b.explainedVariance()))),
                change("a mean value by one ulp", c -> replaceFirst(c, b -> new ScmBoundary(b.boundary(), b.width(),
                        nudged(b.mean(), 3), b.outliers(), b.rank(), b.basis(), b.explainedVariance()))),
                change("a basis value by one ulp", c -> replaceFirst(c, b -> new ScmBoundary(b.boundary(), b.width(), b.mean(),
                        b.outliers(), b.rank(), nudged(b.basis(), 7), b.explainedVariance()))),
                change("a mean value from 0.0 to -0.0", c -> replaceFirst(c, b -> new ScmBoundary(b.boundary(), b.width(),
                        valueAt(b.mean(), 0, -0.0f), b.outliers(), b.rank(), b.basis(), b.explainedVariance()))));
    }

    @ParameterizedTest
    @MethodSource("changes")
    void theHashChangesWhenAnyValueChanges(UnaryOperator<ScmCodebook> change) {
        // Mean[0] of the first boundary is +0.0, so that one change can turn it into -0.0.
        ScmCodebook codebook = replaceFirst(ScmFileSamples.small(), b -> new ScmBoundary(b.boundary(), b.width(),
                valueAt(b.mean(), 0, 0.0f), b.outliers(), b.rank(), b.basis(), b.explainedVariance()));
        ScmCodebook changed = change.apply(codebook);

        assertThat(changed).isNotEqualTo(codebook);
        assertThat(ScmFile.hash(changed)).isNotEqualTo(ScmFile.hash(codebook));
    }

    static Stream<Arguments> nonFiniteValues() {
        return Stream.of(
                Arguments.of(Named.of("NaN in a mean", (UnaryOperator<ScmCodebook>) c -> replaceFirst(c, b -> new ScmBoundary(
                        b.boundary(), b.width(), valueAt(b.mean(), 4, Float.NaN), b.outliers(), b.rank(), b.basis(),
                        b.explainedVariance()))), "mean[4] is NaN"),
                Arguments.of(Named.of("infinity in a basis", (UnaryOperator<ScmCodebook>) c -> replaceFirst(c, b -> new ScmBoundary(
                        b.boundary(), b.width(), b.mean(), b.outliers(), b.rank(), valueAt(b.basis(), 8, Float.POSITIVE_INFINITY),
                        b.explainedVariance()))), "basis[1][2] is Infinity"),
                Arguments.of(Named.of("NaN fidelity target", (UnaryOperator<ScmCodebook>) c -> new ScmCodebook(c.model(), c.width(),
                        Double.NaN, c.boundaries())), "fidelity target is NaN"));
    }

    @ParameterizedTest
    @MethodSource("nonFiniteValues")
    void nonFiniteValuesAreRefusedNamingTheBoundaryAndField(UnaryOperator<ScmCodebook> change, String expected) {
        ScmCodebook codebook = change.apply(ScmFileSamples.small());
        String boundary = "boundary " + codebook.boundaries().getFirst().boundary() + " ";

        assertThatThrownBy(() -> ScmFile.toBytes(codebook))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected.startsWith("fidelity") ? expected : boundary + expected)
                .hasMessageContaining("finite values only");
        assertThatThrownBy(() -> ScmFile.hash(codebook)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWidthBelowOneIsRefused() {
        ScmCodebook empty = new ScmCodebook(ScmFileSamples.randomModel(new Random(1)), 0, 0.9, List.of());

        assertThatThrownBy(() -> ScmFile.toBytes(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width of at least 1, got 0");
    }

    private static Arguments change(String name, UnaryOperator<ScmCodebook> change) {
        return Arguments.of(Named.of(name, change));
    }

    private static ScmCodebook replaceFirst(ScmCodebook codebook, UnaryOperator<ScmBoundary> change) {
        return replaceAt(codebook, 0, change);
    }

    private static ScmCodebook replaceLast(ScmCodebook codebook, UnaryOperator<ScmBoundary> change) {
        return replaceAt(codebook, codebook.boundaries().size() - 1, change);
    }

    private static ScmCodebook replaceAt(ScmCodebook codebook, int position, UnaryOperator<ScmBoundary> change) {
        List<ScmBoundary> boundaries = new ArrayList<>(codebook.boundaries());
        boundaries.set(position, change.apply(boundaries.get(position)));
        return new ScmCodebook(codebook.model(), codebook.width(), codebook.fidelityTarget(), boundaries);
    }

    /** The outliers with the first one moved to a dimension that is not an outlier. */
    private static int[] firstOutlierMoved(ScmBoundary boundary) {
        int[] outliers = boundary.outliers();
        outliers[0] = IntStream.range(0, boundary.width())
                .filter(d -> Arrays.stream(boundary.outliers()).noneMatch(o -> o == d)).findFirst().orElseThrow();
        Arrays.sort(outliers);
        return outliers;
    }

    private static float[] nudged(float[] values, int index) {
        return valueAt(values, index, Math.nextUp(values[index]));
    }

    private static float[] valueAt(float[] values, int index, float value) {
        float[] changed = values.clone();
        changed[index] = value;
        return changed;
    }

    /** Every float and double of a codebook as raw bits, so that -0.0 and 0.0 differ. */
    private static List<Object> bitsOf(ScmCodebook codebook) {
        List<Object> bits = new ArrayList<>();
        bits.add(Double.doubleToRawLongBits(codebook.fidelityTarget()));
        for (ScmBoundary boundary : codebook.boundaries()) {
            bits.add(Double.doubleToRawLongBits(boundary.explainedVariance()));
            for (float value : boundary.mean()) {
                bits.add(Float.floatToRawIntBits(value));
            }
            for (float value : boundary.basis()) {
                bits.add(Float.floatToRawIntBits(value));
            }
        }
        return bits;
    }
}
