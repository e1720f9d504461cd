package org.farnode.app.model.gguf;

import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.assertj.core.api.AbstractThrowableAssert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Every way a file can be broken gives a {@link GgufFormatException} (or NoSuchFileException) that says what is wrong. */
class GgufBadInputTest {
    @TempDir
    Path dir;

    /** A small valid file whose last tensor ends exactly at the end of the file, so every proper prefix is broken. */
    private byte[] valid;

    @BeforeEach
    void writeValidFile() throws IOException {
        Path file = dir.resolve("valid.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("test.count", GgufValue.uint32(7))
                .put("test.words", GgufValue.array(GgufValueType.STRING, List.of("alpha", "beta")))
                .put("test.nested", GgufValue.array(GgufValueType.ARRAY,
                        List.of(GgufValue.array(GgufValueType.INT32, List.of(1, 2)))))
                .put("test.flag", GgufValue.bool(true))
                .tensor("first.weight", GgmlType.Q8_0, new long[]{32, 3}, TensorSource.rows((r, out) -> Arrays.fill(out, r)))
                .tensor("final.weight", GgmlType.F32, new long[]{8, 4}, TensorSource.rows((r, out) -> Arrays.fill(out, r)))
                .write(file);
        valid = Files.readAllBytes(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufTensorInfo last = gguf.tensorInfos().get("final.weight");
            assertThat(gguf.dataOffset() + last.offset() + last.byteSize()).isEqualTo(valid.length);
        }
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("no-such-model.gguf");
        assertThatThrownBy(() -> GgufFile.open(missing))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void directory() {
        assertThatThrownBy(() -> GgufFile.open(dir))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("directory");
    }

    @Test
    void notAGgufFile() {
        rejects("{\"model\": \"not a gguf\"}".getBytes(StandardCharsets.UTF_8)).hasMessageContaining("not a GGUF file");
        rejects(new byte[0]).hasMessageContaining("truncated");
    }

    @Test
    void unsupportedVersions() {
        for (int version : new int[]{0, 1, 4, 0xFFFF_FFFF}) {
            byte[] bytes = valid.clone();
            putU32(bytes, 4, version);
            rejects(bytes).hasMessageContaining("version " + Integer.toUnsignedString(version));
        }
        byte[] bigEndian = valid.clone();
        putU32(bigEndian, 4, Integer.reverseBytes(3));
        rejects(bigEndian).hasMessageContaining("big-endian");
    }

    @Test
    @Timeout(60)
    void everyTruncationIsReportedAsSuch() throws IOException {
        Path file = dir.resolve("prefix.gguf");
        for (int length = 0; length < valid.length; length++) {
            Files.write(file, Arrays.copyOf(valid, length));
            try (GgufFile opened = GgufFile.open(file)) {
                fail("a prefix of " + length + " of " + valid.length + " bytes was accepted: " + opened.tensorInfos());
            } catch (GgufFormatException e) {
                assertThat(e.getMessage()).as("prefix of " + length + " bytes").startsWith(file.toString())
                        .doesNotContain("null")
                        .satisfies(message -> assertThat(message.substring(file.toString().length()))
                                .contains("truncated"));
            }
        }
    }

    @Test
    void hugeStringLength() {
        for (long length : new long[]{Long.MAX_VALUE, -1L, 1L << 40}) {
            byte[] bytes = valid.clone();
            putU64(bytes, indexOf(bytes, "test.count") - 8, length);
            rejects(bytes).hasMessageContaining("string of " + Long.toUnsignedString(length) + " bytes");
        }
    }

    @Test
    void hugeArrayLength() {
        for (long length : new long[]{1L << 40, -1L, valid.length}) {
            byte[] bytes = valid.clone();
            putU64(bytes, afterKey(bytes, "test.words") + 8, length);
            rejects(bytes).hasMessageContaining("array length of test.words");
        }
    }

    @Test
    void unknownValueType() {
        byte[] scalar = valid.clone();
        putU32(scalar, afterKey(scalar, "test.count"), 13);
        rejects(scalar).hasMessageContaining("test.count").hasMessageContaining("unknown value type 13");
        byte[] element = valid.clone();
        putU32(element, afterKey(element, "test.words") + 4, 99);
        rejects(element).hasMessageContaining("test.words").hasMessageContaining("unknown value type 99");
    }

    @Test
    void invalidBool() {
        byte[] bytes = valid.clone();
        bytes[afterKey(bytes, "test.flag") + 4] = 2;
        rejects(bytes).hasMessageContaining("test.flag").hasMessageContaining("bool");
    }

    @Test
    void duplicateKeysAndTensorNames() {
        byte[] keys = valid.clone();
        overwrite(keys, "test.words", "test.count");
        rejects(keys).hasMessageContaining("test.count appears twice");
        byte[] tensors = valid.clone();
        overwrite(tensors, "final.weight", "first.weight");
        rejects(tensors).hasMessageContaining("first.weight appears twice");
    }

    @Test
    void deeplyNestedArrays() throws IOException {
        GgufValue value = GgufValue.array(GgufValueType.INT32, List.of(1));
        for (int depth = 0; depth < 100; depth++) {
            value = GgufValue.array(GgufValueType.ARRAY, List.of(value));
        }
        Path file = dir.resolve("deep.gguf");
        new GgufWriter().put("test.deep", value).write(file);
        assertThatThrownBy(() -> GgufFile.open(file)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("test.deep").hasMessageContaining("nests arrays");
    }

    @Test
    void unknownTensorType() {
        byte[] bytes = valid.clone();
        putU32(bytes, afterKey(bytes, "final.weight") + 4 + 2 * 8, 99);
        rejects(bytes).hasMessageContaining("final.weight").hasMessageContaining("unknown ggml type id 99");
    }

    @Test
    void impossibleTensorShapes() {
        byte[] dims = valid.clone();
        putU32(dims, afterKey(dims, "final.weight"), 5);
        rejects(dims).hasMessageContaining("5 dimensions");
        byte[] zero = valid.clone();
        putU64(zero, afterKey(zero, "final.weight") + 4 + 8, 0);
        rejects(zero).hasMessageContaining("dimension 0");
        byte[] rows = valid.clone(); // Q8_0 [32, 3] as [16, 6]: same count, but rows are not whole blocks
        putU64(rows, afterKey(rows, "first.weight") + 4, 16);
        putU64(rows, afterKey(rows, "first.weight") + 4 + 8, 6);
        rejects(rows).hasMessageContaining("first.weight").hasMessageContaining("block size 32");
        byte[] overflow = valid.clone();
        putU64(overflow, afterKey(overflow, "final.weight") + 4, 1L << 40);
        putU64(overflow, afterKey(overflow, "final.weight") + 4 + 8, 1L << 40);
        rejects(overflow).hasMessageContaining("final.weight");
    }

    @Test
    void tensorPastTheEndOfTheFile() {
        byte[] longer = valid.clone();
        putU64(longer, afterKey(longer, "final.weight") + 4 + 8, 5);
        rejects(longer).hasMessageContaining("truncated").hasMessageContaining("final.weight");
        int offsetAt = afterKey(valid, "final.weight") + 4 + 2 * 8 + 4;
        for (long offset : new long[]{1L << 20, Long.MAX_VALUE & ~31L, -32L, 0x7FFF_FFFF_FFFF_FFE0L}) {
            byte[] bytes = valid.clone();
            putU64(bytes, offsetAt, offset);
            rejects(bytes).hasMessageContaining("final.weight");
        }
        byte[] misaligned = valid.clone();
        putU64(misaligned, offsetAt, getU64(valid, offsetAt) + 4);
        rejects(misaligned).hasMessageContaining("not aligned to 32");
    }

    @Test
    void alignmentThatIsNotAPowerOfTwo() throws IOException {
        Path file = dir.resolve("aligned.gguf");
        new GgufWriter().alignment(64).write(file);
        byte[] bytes = Files.readAllBytes(file);
        putU32(bytes, afterKey(bytes, GgufFile.ALIGNMENT_KEY) + 4, 48);
        rejects(bytes).hasMessageContaining("general.alignment = 48 is not a power of two");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> rejects(byte[] bytes) {
        Path file = dir.resolve("bad.gguf");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return assertThatThrownBy(() -> GgufFile.open(file).close()).isInstanceOf(GgufFormatException.class).hasMessageContaining(file.toString());
    }

    /** Position of the first occurrence of {@code text}'s UTF-8 bytes. */
    private static int indexOf(byte[] bytes, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError(text + " not found");
    }

    /** Position just after the string {@code key} (a metadata key's value type, or a tensor's n_dims). */
    private static int afterKey(byte[] bytes, String key) {
        return indexOf(bytes, key) + key.length();
    }

    private static void overwrite(byte[] bytes, String old, String replacement) {
        byte[] with = replacement.getBytes(StandardCharsets.UTF_8);
        assertThat(with).hasSameSizeAs(old.getBytes(StandardCharsets.UTF_8));
        System.arraycopy(with, 0, bytes, indexOf(bytes, old), with.length);
    }

    private static void putU32(byte[] bytes, int at, int value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    private static void putU64(byte[] bytes, int at, long value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
    }

    private static long getU64(byte[] bytes, int at) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }
}
