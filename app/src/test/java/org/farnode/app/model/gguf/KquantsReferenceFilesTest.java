package org.farnode.app.model.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.farnode.app.testing.SharedData;
import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The llama.cpp-made files of ../shared/testdata/kquants against their {@code .expect.json} (see its README). */
class KquantsReferenceFilesTest {
    private static final String DIR = "testdata/kquants/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Expected(JsonNode file, List<JsonNode> tensors) {
    }

    static Expected expected(Path gguf) throws IOException {
        JsonNode root = JSON.readTree(Path.of(gguf + ".expect.json").toFile());
        List<JsonNode> tensors = new ArrayList<>();
        root.get("tensors").forEach(tensors::add);
        return new Expected(root, tensors);
    }

    /** Every tensor of every file, decoded row by row, has exactly the float32 bits of gguf-py's reference (0 ulp). */
    @ParameterizedTest
    @ValueSource(strings = {"Q8_0-pure", "Q4_0-pure", "Q4_K_M-pure", "Q5_K_M-pure", "Q6_K-pure", "Q2_K-pure",
            "Q3_K_M-pure", "Q4_K_M-mix"})
    void decodesEveryTensorBitExactly(String variant) throws Exception {
        Path path = SharedData.require(DIR + "tiny-llama-" + variant + ".gguf");
        Expected expected = expected(path);
        try (GgufFile gguf = GgufFile.open(path)) {
            assertLayoutMatches(gguf, expected);
            for (JsonNode t : expected.tensors()) {
                Tensor tensor = gguf.tensor(t.get("name").asText());
                Decoded decoded = decode(tensor);
                assertThat(decoded.firstBits()).as(tensor.name() + " first8_bits").containsExactlyElementsOf(bits(t.get("first8_bits")));
                assertThat(decoded.sha256()).as(tensor.name() + " f32_sha256").isEqualTo(t.get("f32_sha256").asText());
                assertThat(decoded.sumSeq()).as(tensor.name() + " sum_seq").isEqualTo(t.get("sum_seq").asDouble());
            }
        }
    }

    /** Re-writing a llama.cpp file with GgufWriter (same metadata, same tensors as raw bytes) gives the same bytes. */
    @ParameterizedTest
    @ValueSource(strings = {"Q8_0-pure", "Q4_0-pure", "Q4_K_M-pure", "Q5_K_M-pure", "Q6_K-pure", "Q2_K-pure",
            "Q3_K_M-pure", "Q4_K_M-mix"})
    void rewritingReproducesTheFileByteForByte(String variant) throws Exception {
        Path path = SharedData.require(DIR + "tiny-llama-" + variant + ".gguf");
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile gguf = GgufFile.open(path)) {
            GgufWriter writer = new GgufWriter().version(gguf.version());
            gguf.metadata().entries().forEach(writer::put);
            for (GgufTensorInfo info : gguf.tensorInfos().values()) {
                writer.tensor(info.name(), info.type(), info.shape(), TensorSource.bytes(gguf.tensor(info.name()).data()));
            }
            writer.write(copy);
        }
        assertThat(sha256(MemorySegment.ofArray(Files.readAllBytes(copy))))
                .isEqualTo(expected(path).file().get("file_sha256").asText());
    }

    private static void assertLayoutMatches(GgufFile gguf, Expected expected) throws NoSuchAlgorithmException {
        JsonNode file = expected.file();
        assertThat(gguf.version()).isEqualTo(file.get("gguf_version").asInt());
        assertThat(gguf.alignment()).isEqualTo(file.get("alignment").asInt());
        assertThat(gguf.dataOffset()).isEqualTo(file.get("tensor_data_offset").asLong());
        assertThat(gguf.mapping().byteSize()).isEqualTo(file.get("file_size").asLong());
        assertThat(gguf.metadata().integer("general.file_type")).isEqualTo(file.get("general.file_type").asInt());
        assertThat(gguf.tensorInfos().keySet())
                .containsExactlyElementsOf(expected.tensors().stream().map(t -> t.get("name").asText()).toList());
        for (JsonNode t : expected.tensors()) {
            String name = t.get("name").asText();
            GgufTensorInfo info = gguf.tensorInfos().get(name);
            assertThat(info.type().name()).as(name).isEqualTo(t.get("ggml_type").asText());
            assertThat(info.type().id()).as(name).isEqualTo(t.get("ggml_type_id").asInt());
            assertThat(info.type().quantized()).as(name).isEqualTo(t.get("quantized").asBoolean());
            List<Long> shape = new ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            assertThat(info.shape()).as(name).containsExactly(shape.stream().mapToLong(Long::longValue).toArray());
            assertThat(info.elementCount()).as(name).isEqualTo(t.get("n_elements").asLong());
            assertThat(info.offset()).as(name).isEqualTo(t.get("data_offset").asLong());
            assertThat(info.byteSize()).as(name).isEqualTo(t.get("n_bytes").asLong());
            assertThat(sha256(gguf.tensor(name).data())).as(name + " raw_sha256").isEqualTo(t.get("raw_sha256").asText());
        }
    }

    record Decoded(String sha256, double sumSeq, List<String> firstBits) {
    }

    private static List<String> bits(JsonNode array) {
        List<String> bits = new ArrayList<>();
        array.forEach(b -> bits.add(b.asText()));
        return bits;
    }

    /** Row by row, as ggml_get_rows does: sha256 of the float32 LE values and their sequential double sum. */
    private static Decoded decode(Tensor tensor) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        float[] row = new float[tensor.columns()];
        ByteBuffer bytes = ByteBuffer.allocate(4 * row.length).order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        List<String> firstBits = new ArrayList<>();
        for (int r = 0; r < tensor.rows(); r++) {
            Dequantize.row(tensor, r, row, 0);
            for (int i = 0; r == 0 && i < 8; i++) {
                firstBits.add("0x%08x".formatted(Float.floatToRawIntBits(row[i])));
            }
            bytes.clear();
            for (float v : row) {
                bytes.putFloat(v);
                sum += v;
            }
            sha.update(bytes.flip());
        }
        return new Decoded(HexFormat.of().formatHex(sha.digest()), sum, firstBits);
    }

    private static String sha256(MemorySegment bytes) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(bytes.asByteBuffer());
        return HexFormat.of().formatHex(sha.digest());
    }
}
