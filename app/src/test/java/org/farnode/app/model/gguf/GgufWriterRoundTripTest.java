package org.farnode.app.model.gguf;

import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Quantize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufWriterRoundTripTest {
    private static final List<GgmlType> ENCODABLE =
            List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0);

    @TempDir
    Path dir;

    /** Every value type, as the reader returns it (so that records compare equal). */
    static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("t.u8", GgufValue.uint8(255));
        m.put("t.i8", GgufValue.int8(-128));
        m.put("t.u16", GgufValue.uint16(65535));
        m.put("t.i16", GgufValue.int16(-32768));
        m.put("t.u32", GgufValue.uint32(0xFFFF_FFFFL));
        m.put("t.i32", GgufValue.int32(Integer.MIN_VALUE));
        m.put("t.u64", GgufValue.uint64(-1L)); // 2^64 - 1
        m.put("t.i64", GgufValue.int64(Long.MIN_VALUE));
        m.put("t.f32", GgufValue.float32(-0.0f));
        m.put("t.f32.subnormal", GgufValue.float32(Float.MIN_VALUE));
        m.put("t.f64", GgufValue.float64(Math.PI));
        m.put("t.bool.true", GgufValue.bool(true));
        m.put("t.bool.false", GgufValue.bool(false));
        m.put("t.string", GgufValue.string("ünï ▁cödé 日本 \uD83D\uDE00"));
        m.put("t.string.empty", GgufValue.string(""));
        m.put("t.array.strings", GgufValue.array(GgufValueType.STRING, List.of("<unk>", "", "▁the", "\n")));
        m.put("t.array.u8", GgufValue.array(GgufValueType.UINT8, List.of(0, 1, 255)));
        m.put("t.array.i8", GgufValue.array(GgufValueType.INT8, List.of(-128, 127)));
        m.put("t.array.u16", GgufValue.array(GgufValueType.UINT16, List.of(0, 65535)));
        m.put("t.array.i16", GgufValue.array(GgufValueType.INT16, List.of(-32768, 32767)));
        m.put("t.array.u32", GgufValue.array(GgufValueType.UINT32, List.of(0L, 0xFFFF_FFFFL)));
        m.put("t.array.i32", GgufValue.array(GgufValueType.INT32, List.of(1, -2, 3)));
        m.put("t.array.u64", GgufValue.array(GgufValueType.UINT64, List.of(0L, -1L)));
        m.put("t.array.i64", GgufValue.array(GgufValueType.INT64, List.of(Long.MAX_VALUE, Long.MIN_VALUE)));
        m.put("t.array.f32", GgufValue.array(GgufValueType.FLOAT32, List.of(0f, -1.5f, Float.MAX_VALUE)));
        m.put("t.array.f64", GgufValue.array(GgufValueType.FLOAT64, List.of(1e-300, -2.5)));
        m.put("t.array.bools", GgufValue.array(GgufValueType.BOOL, List.of(true, false, true)));
        m.put("t.array.empty", GgufValue.array(GgufValueType.INT32, List.of()));
        m.put("t.array.nested", GgufValue.array(GgufValueType.ARRAY, List.of(
                GgufValue.array(GgufValueType.INT32, List.of(1, 2)),
                GgufValue.array(GgufValueType.STRING, List.of("a", "bc")),
                GgufValue.array(GgufValueType.BOOL, List.of()))));
        m.put("t.array.nested2", GgufValue.array(GgufValueType.ARRAY, List.of(
                GgufValue.array(GgufValueType.ARRAY, List.of(
                        GgufValue.array(GgufValueType.FLOAT32, List.of(1f)),
                        GgufValue.array(GgufValueType.UINT64, List.of(7L)))))));
        return m;
    }

    /** A tensor to write and the bytes the file must hold for it. */
    record Case(String name, GgmlType type, long[] shape, TensorSource source, byte[] expected) {
    }

    /** Every encodable type with odd row counts and 1-4 dimensions, from float rows, raw bytes and zeros. */
    static List<Case> tensorCases() {
        List<Case> cases = new ArrayList<>();
        long[][] shapes = {{64, 7}, {32, 3, 5}, {96}, {32, 1, 1, 3}};
        for (GgmlType type : ENCODABLE) {
            for (int s = 0; s < shapes.length; s++) {
                long[] shape = shapes[s];
                cases.add(floatRows(type.name().toLowerCase() + ".rows" + s, type, shape, 1000L * type.id() + s));
            }
            cases.add(rawBytes(type.name().toLowerCase() + ".raw", type, new long[]{32, 9}, type.id()));
            long[] zerosShape = {32, 5};
            cases.add(new Case(type.name().toLowerCase() + ".zeros", type, zerosShape, TensorSource.zeros(),
                    new byte[(int) type.bytesFor(32 * 5)]));
        }
        return cases;
    }

    static Case floatRows(String name, GgmlType type, long[] shape, long seed) {
        int rowLength = (int) shape[0];
        long rows = 1;
        for (int d = 1; d < shape.length; d++) {
            rows *= shape[d];
        }
        TensorSource.RowFunction function = (row, out) -> {
            Random random = new Random(seed * 31 + row);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) random.nextGaussian() * (i % 7 == 0 ? 3f : 0.05f);
            }
        };
        int rowBytes = (int) type.bytesFor(rowLength);
        MemorySegment expected = MemorySegment.ofArray(new byte[(int) (rows * rowBytes)]);
        float[] values = new float[rowLength];
        for (long r = 0; r < rows; r++) {
            function.fill(r, values);
            Quantize.values(type, values, 0, rowLength, expected, r * rowBytes);
        }
        return new Case(name, type, shape, TensorSource.rows(function), expected.toArray(ValueLayout.JAVA_BYTE));
    }

    static Case rawBytes(String name, GgmlType type, long[] shape, long seed) {
        byte[] bytes = new byte[(int) type.bytesFor(shape[0] * shape[1])];
        new Random(seed).nextBytes(bytes);
        return new Case(name, type, shape, TensorSource.bytes(MemorySegment.ofArray(bytes.clone())), bytes);
    }

    static Stream<Arguments> versionsAndAlignments() {
        return Stream.of(2, 3).flatMap(v -> Stream.of(0, 1, 32, 64, 4096).map(a -> Arguments.of(v, a)));
    }

    @ParameterizedTest(name = "version {0}, alignment {1} (0 = default)")
    @MethodSource("versionsAndAlignments")
    void everythingWrittenReadsBackExactly(int version, int alignment) throws IOException {
        GgufWriter writer = new GgufWriter().version(version).threads(3);
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put("general.architecture", GgufValue.string("test"));
        if (alignment != 0) {
            metadata.put(GgufFile.ALIGNMENT_KEY, GgufValue.uint32(alignment));
        }
        metadata.putAll(everyValueType());
        metadata.forEach(writer::put);
        List<Case> cases = tensorCases();
        for (Case c : cases) {
            writer.tensor(c.name(), c.type(), c.shape(), c.source());
        }
        Path file = dir.resolve("roundtrip.gguf");
        long size = writer.write(file);
        int expectedAlignment = alignment == 0 ? 32 : alignment;

        assertThat(Files.size(file)).isEqualTo(size).isEqualTo(writer.layout().fileSize());
        assertThat(dir.resolve("roundtrip.gguf.partial")).doesNotExist();
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.version()).isEqualTo(version);
            assertThat(gguf.alignment()).isEqualTo(expectedAlignment);
            assertThat(gguf.dataOffset() % expectedAlignment).isZero();
            assertThat(gguf.dataOffset()).isEqualTo(writer.layout().dataOffset());
            assertThat(new ArrayList<>(gguf.metadata().entries().entrySet()))
                    .containsExactlyElementsOf(metadata.entrySet());
            assertThat(gguf.tensorInfos().keySet()).containsExactlyElementsOf(cases.stream().map(Case::name).toList());
            long end = 0;
            for (Case c : cases) {
                GgufTensorInfo info = gguf.tensorInfos().get(c.name());
                assertThat(info.type()).as(c.name()).isEqualTo(c.type());
                assertThat(info.shape()).as(c.name()).containsExactly(c.shape());
                assertThat(info.offset() % expectedAlignment).as(c.name()).isZero();
                assertThat(info.offset()).as(c.name() + " follows the previous tensor").isEqualTo(end);
                end = GgufFile.alignUp(info.offset() + info.byteSize(), expectedAlignment);
                byte[] actual = gguf.tensor(c.name()).data().toArray(ValueLayout.JAVA_BYTE);
                assertThat(actual).as(c.name()).isEqualTo(c.expected());
            }
            assertThat(gguf.dataOffset() + end).as("the file ends aligned after the last tensor").isEqualTo(size);
        }
    }

    @Test
    void encodingDoesNotDependOnTheNumberOfThreads() throws IOException {
        Path one = dir.resolve("one.gguf");
        Path many = dir.resolve("many.gguf");
        // Rows of 32 Q8_0 values are 34 bytes, so this tensor spans several 2 MiB chunks.
        Case big = floatRows("big", GgmlType.Q8_0, new long[]{32, 200_001}, 5);
        new GgufWriter().threads(1).tensor(big.name(), big.type(), big.shape(), big.source()).write(one);
        new GgufWriter().threads(4).tensor(big.name(), big.type(), big.shape(), big.source()).write(many);
        assertThat(Files.mismatch(one, many)).isEqualTo(-1);
        try (GgufFile gguf = GgufFile.open(many)) {
            assertThat(gguf.tensor("big").data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(big.expected());
        }
    }

    @Test
    void aFileWithoutTensorsIsJustTheHeader() throws IOException {
        Path file = dir.resolve("empty.gguf");
        long size = new GgufWriter().put("general.name", GgufValue.string("x")).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.tensorInfos()).isEmpty();
            assertThat(gguf.metadata().string("general.name")).isEqualTo("x");
            assertThat(size).isEqualTo(gguf.dataOffset());
        }
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path file = dir.resolve("model.gguf");
        Files.write(file, new byte[100_000]);
        long size = new GgufWriter().tensor("t", GgmlType.F32, new long[]{3}, TensorSource.rows((r, out) -> {
        })).write(file);
        assertThat(Files.size(file)).isEqualTo(size).isLessThan(100_000);
    }

    @Test
    void aFailingSourceNamesTheTensorAndLeavesNoFile() {
        Path file = dir.resolve("broken.gguf");
        GgufWriter writer = new GgufWriter().tensor("blk.3.attn_q.weight", GgmlType.Q8_0, new long[]{32, 10},
                TensorSource.rows((row, out) -> {
                    if (row == 7) {
                        throw new IllegalStateException("row 7 is cursed");
                    }
                }));
        assertThatThrownBy(() -> writer.write(file))
                .hasMessageContaining("blk.3.attn_q.weight").hasMessageContaining("row 7 is cursed");
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("broken.gguf.partial")).doesNotExist();
    }

    @Test
    void rejectsMetadataThatDoesNotFitItsType() {
        GgufWriter w = new GgufWriter();
        assertThatThrownBy(() -> w.put("k.u8", GgufValue.of(GgufValueType.UINT8, 256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k.u8").hasMessageContaining("256");
        assertThatThrownBy(() -> w.put("k.i8", GgufValue.int8(128))).hasMessageContaining("k.i8");
        assertThatThrownBy(() -> w.put("k.u32", GgufValue.uint32(-1))).hasMessageContaining("k.u32");
        assertThatThrownBy(() -> w.put("k.i32", GgufValue.of(GgufValueType.INT32, 1L << 31)))
                .hasMessageContaining("k.i32");
        assertThatThrownBy(() -> w.put("k.int", GgufValue.of(GgufValueType.INT32, 1.5f)))
                .hasMessageContaining("needs an integer");
        assertThatThrownBy(() -> w.put("k.s", GgufValue.of(GgufValueType.STRING, 3)))
                .hasMessageContaining("k.s").hasMessageContaining("String");
        assertThatThrownBy(() -> w.put("k.b", GgufValue.of(GgufValueType.BOOL, 1)))
                .hasMessageContaining("Boolean");
        assertThatThrownBy(() -> w.put("k.arr", GgufValue.array(GgufValueType.UINT16, List.of(1, 70000))))
                .hasMessageContaining("k.arr");
        assertThatThrownBy(() -> w.put("k.nested", GgufValue.array(GgufValueType.ARRAY, List.of(1))))
                .hasMessageContaining("array of arrays");
        assertThat(w.layout().tensors()).isEmpty();
    }

    @Test
    void rejectsAlignmentsGgmlCannotRead() {
        GgufWriter w = new GgufWriter();
        for (int bad : new int[]{0, 3, 48, -32}) {
            assertThatThrownBy(() -> w.alignment(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("general.alignment");
        }
        assertThatThrownBy(() -> w.put(GgufFile.ALIGNMENT_KEY, GgufValue.int32(32)))
                .hasMessageContaining("UINT32");
        assertThat(w.alignment(1).layout().alignment()).isEqualTo(1);
    }

    @Test
    void rejectsTensorsGgmlCannotRead() {
        GgufWriter w = new GgufWriter().tensor("a", GgmlType.F32, new long[]{4}, TensorSource.zeros());
        TensorSource zeros = TensorSource.zeros();
        assertThatThrownBy(() -> w.tensor("a", GgmlType.F32, new long[]{4}, zeros)).hasMessageContaining("already");
        assertThatThrownBy(() -> w.tensor("x".repeat(64), GgmlType.F32, new long[]{4}, zeros))
                .hasMessageContaining("63");
        assertThatThrownBy(() -> w.tensor("", GgmlType.F32, new long[]{4}, zeros)).hasMessageContaining("name");
        assertThatThrownBy(() -> w.tensor("b", GgmlType.Q8_0, new long[]{48, 2}, zeros))
                .hasMessageContaining("block size 32");
        assertThatThrownBy(() -> w.tensor("c", GgmlType.F32, new long[]{1, 1, 1, 1, 1}, zeros))
                .hasMessageContaining("5 dimensions");
        assertThatThrownBy(() -> w.tensor("d", GgmlType.F32, new long[]{4, 0}, zeros)).hasMessageContaining("dimension 0");
        assertThatThrownBy(() -> w.tensor("e", GgmlType.F16, new long[]{4},
                TensorSource.bytes(MemorySegment.ofArray(new byte[7])))).hasMessageContaining("needs 8 bytes");
        assertThatThrownBy(() -> w.tensor("f", GgmlType.IQ4_XS, new long[]{256},
                TensorSource.rows((r, out) -> {
                }))).hasMessageContaining("IQ4_XS").hasMessageContaining("bytes instead");
        assertThatThrownBy(() -> w.version(1)).hasMessageContaining("2 or 3");
        assertThat(w.layout().tensors()).extracting(GgufTensorInfo::name).containsExactly("a");
    }

    @Test
    void kQuantBytesCanBeWrittenRaw() throws IOException {
        Case raw = rawBytes("k", GgmlType.Q6_K, new long[]{512, 3}, 9);
        Path file = dir.resolve("k.gguf");
        new GgufWriter().tensor(raw.name(), raw.type(), raw.shape(), raw.source()).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.tensor("k").data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(raw.expected());
        }
    }
}
