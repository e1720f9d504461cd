package org.farnode.app.codec.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.farnode.app.protocol.ModelId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way an .scm file can be wrong ends in an {@link ScmFileException} that says what: never
 * an index or memory error, never a codebook built from damaged bytes.
 */
class ScmFileCorruptionTest {
    @TempDir
    Path directory;

    private final ScmCodebook codebook = ScmFileSamples.small();
    private final byte[] file = ScmFile.toBytes(codebook);
    private final int[] boundaryAt = ScmFileSamples.boundaryOffsets(codebook);

    @Test
    void aFlippedBitAnywhereAfterTheVersionIsAChecksumMismatch() {
        for (int offset = ScmFileSamples.MODEL_OFFSET; offset < file.length; offset++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] damaged = file.clone();
                damaged[offset] ^= (byte) bit;

                assertThat(refusal(damaged)).as("bit %02x of byte %d", bit, offset)
                        .isInstanceOf(ScmFileException.class)
                        .hasMessageContaining("checksum mismatch");
            }
        }
    }

    @Test
    void aFlippedBitInTheMagicIsNotAnScmFile() {
        for (int offset = 0; offset < ScmFileSamples.VERSION_OFFSET; offset++) {
            byte[] damaged = file.clone();
            damaged[offset] ^= 0x20;

            assertThat(refusal(damaged)).as("byte %d", offset)
                    .isInstanceOf(ScmFileException.class)
                    .hasMessageContaining("is not an .scm codebook");
        }
    }

    @Test
    void aFileCutShortAtAnyLengthIsTruncated() {
        for (int length = 0; length < file.length; length++) {
            assertThat(refusal(Arrays.copyOf(file, length))).as("the first %d bytes", length)
                    .isInstanceOf(ScmFileException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void aWideFileCutShortAtManyLengthsIsTruncated() {
        byte[] wide = ScmFile.toBytes(ScmFileSamples.codebook(11, 2048, new int[] {4, 0, 2}, new int[] {3, 0, 20}));
        IntStream lengths = IntStream.concat(IntStream.range(0, 200), new Random(5).ints(300, 200, wide.length));

        lengths.forEach(length -> assertThat(refusal(Arrays.copyOf(wide, length))).as("the first %d bytes", length)
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("truncated"));
    }

    @Test
    void aTruncatedFileSaysWhereAndHowManyBytesWereExpected() {
        int basisAt = boundaryAt[2] + 20 + 4 * 1 + 4 * 6;

        assertThatThrownBy(() -> ScmFile.fromBytes(Arrays.copyOf(file, basisAt + 32 + 10)))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("truncated or corrupted (checksum mismatch)")
                .hasMessageContaining("basis (6 × 6 f32) needs 144 bytes at offset " + basisAt + ", but only 10 remain");
    }

    @Test
    void anotherFileTypeIsNotAnScmFile() {
        byte[] gguf = "GGUF\3\0\0\0 and then a model".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> ScmFile.fromBytes(gguf))
                .isInstanceOf(ScmFileException.class)
                .hasMessage("the .scm data is not an .scm codebook: it starts with 47 47 55 46 03 00 00 00; "
                        + "an .scm file starts with \"FARSCM\\0\\0\" (46 41 52 53 43 4d 00 00)");
    }

    @Test
    void aLaterFormatVersionIsRefusedNamingTheVersionsThisBuildReads() {
        byte[] version2 = file.clone();
        version2[ScmFileSamples.VERSION_OFFSET] = 2;

        assertThatThrownBy(() -> ScmFile.fromBytes(ScmFileSamples.resealed(version2)))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("is .scm format version 2; this build reads version 1");
    }

    @Test
    void aCodebookOfAnotherModelIsRefusedNamingBoth() throws IOException {
        Path scm = directory.resolve("other.scm");
        ScmFile.write(scm, codebook);
        ModelId loaded = ScmFileSamples.randomModel(new Random(42));

        assertThatThrownBy(() -> ScmFile.read(scm, loaded))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining(scm.toString())
                .hasMessageContaining("calibrated on model " + codebook.model().shortHex())
                .hasMessageContaining("not on the loaded model " + loaded.shortHex());
    }

    @Test
    void errorsFromAFileNameTheFile() throws IOException {
        Path scm = directory.resolve("damaged.scm");
        byte[] damaged = file.clone();
        damaged[ScmFileSamples.FIDELITY_OFFSET] ^= 1;
        Files.write(scm, damaged);

        assertThatThrownBy(() -> ScmFile.read(scm))
                .isInstanceOf(ScmFileException.class)
                .hasMessageStartingWith(scm + " is corrupted (checksum mismatch): the SHA-256 of its first " + (file.length - 32)
                        + " bytes is ");
    }

    @Test
    void aRankAboveTheWidthIsRefusedBeforeAnythingIsAllocated() {
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, boundaryAt[0] + 4, 7));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("has rank 7; a rank is 0 ..= the width, 6")
                .hasMessageNotContaining("checksum");
    }

    @Test
    void moreOutliersThanTheWidthAreRefused() {
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, boundaryAt[1] + 16, -1));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("has 4294967295 outliers; there are at most as many as the width, 6");
    }

    @Test
    void anOutlierDimensionBeyondTheWidthIsRefused() {
        int boundary = codebook.boundaries().getFirst().boundary();
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, boundaryAt[0] + 24, 6));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessage("the .scm data: boundary " + boundary + " outlier 1 is dimension 6; dimensions are 0 ..= 5");
    }

    @Test
    void outlierDimensionsOutOfOrderAreRefused() {
        int first = ScmFileSamples.intAt(file, boundaryAt[0] + 20);
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, boundaryAt[0] + 24, first));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("outlier dimensions are ascending, each once");
    }

    @Test
    void anAbsurdBoundaryCountIsRefusedWithoutAllocatingForIt() {
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, ScmFileSamples.COUNT_OFFSET, -1));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("4294967295 boundaries of at least 44 bytes each cannot fit in the " + (file.length - 32 - 58)
                        + " bytes between the header and the final 32-byte checksum");
    }

    @Test
    void hugeCountsInADamagedWideFileAreRefusedWithoutRunningOutOfMemory() {
        byte[] wide = ScmFile.toBytes(ScmFileSamples.codebook(12, 2048, new int[] {1}, new int[] {2}));
        for (int value : new int[] {-1, Integer.MAX_VALUE, 1 << 20}) {
            for (int offset : new int[] {ScmFileSamples.WIDTH_OFFSET, ScmFileSamples.COUNT_OFFSET, 58 + 4, 58 + 16}) {
                for (boolean resealed : new boolean[] {false, true}) {
                    byte[] damaged = ScmFileSamples.withInt(wide, offset, value);
                    assertThat(refusal(resealed ? ScmFileSamples.resealed(damaged) : damaged))
                            .as("%d at offset %d", value, offset)
                            .isInstanceOf(ScmFileException.class);
                }
            }
        }
    }

    @Test
    void aWidthOfZeroIsRefused() {
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, ScmFileSamples.WIDTH_OFFSET, 0));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessage("the .scm data: the width is 0; it must be 1 ..= 2147483647");
    }

    @Test
    void bytesAppendedToACompleteFileAreTrailingBytes() {
        byte[] longer = Arrays.copyOf(file, file.length + 5);

        assertThatThrownBy(() -> ScmFile.fromBytes(longer))
                .isInstanceOf(ScmFileException.class)
                .hasMessage("the .scm data has trailing bytes: a complete .scm file of " + file.length
                        + " bytes is followed by 5 more; an .scm file ends with its checksum");
    }

    @Test
    void bytesBetweenTheLastBoundaryAndTheChecksumAreRefused() {
        byte[] padded = ScmFileSamples.resealed(ScmFileSamples.insertedBeforeChecksum(file, new byte[3]));

        assertThatThrownBy(() -> ScmFile.fromBytes(padded))
                .isInstanceOf(ScmFileException.class)
                .hasMessage("the .scm data: 3 bytes follow the last boundary, at offset " + (file.length - 32)
                        + "; the checksum must follow the last boundary directly");
    }

    @Test
    void aNonFiniteValueInAFileIsRefusedNamingBoundaryAndField() {
        ScmBoundary last = codebook.boundaries().getLast();
        int basisAt = boundaryAt[2] + 20 + 4 * 1 + 4 * 6;
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withFloat(file, basisAt + 4 * (2 * 6 + 3), Float.NEGATIVE_INFINITY));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessage("the .scm data: boundary " + last.boundary() + " basis[2][3] is -Infinity; an .scm file holds finite values only");
    }

    @Test
    void aNonFiniteFidelityTargetInAFileIsRefused() {
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withDouble(file, ScmFileSamples.FIDELITY_OFFSET, Double.NaN));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("the fidelity target is NaN");
    }

    @Test
    void boundariesOutOfOrderAreRefused() {
        int second = codebook.boundaries().get(1).boundary();
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, boundaryAt[2], second));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("boundary " + second + " follows boundary " + second + "; boundaries are in ascending order");
    }

    @Test
    void anExplainedVarianceAboveOneIsRefused() {
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withDouble(file, boundaryAt[1] + 8, 1.5));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("is not a valid boundary projection")
                .hasMessageContaining("explained variance 1.5");
    }

    @Test
    void aBoundaryIndexBeyondTheIntRangeIsRefused() {
        byte[] bytes = ScmFileSamples.resealed(ScmFileSamples.withInt(file, boundaryAt[0], -2));

        assertThatThrownBy(() -> ScmFile.fromBytes(bytes))
                .isInstanceOf(ScmFileException.class)
                .hasMessageContaining("boundary record 0 has index 4294967294; an index is 0 ..= 2147483647");
    }

    private static Throwable refusal(byte[] bytes) {
        return catchThrowable(() -> ScmFile.fromBytes(bytes));
    }
}
