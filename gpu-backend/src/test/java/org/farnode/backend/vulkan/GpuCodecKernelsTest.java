package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.farnode.backend.vulkan.GpuArrays.download;
import static org.farnode.backend.vulkan.GpuArrays.upload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.ops.ActivationQuantization;
import org.farnode.backend.ops.RandomTensors;
import org.farnode.backend.ops.SmallMatmul;
import org.farnode.backend.vulkan.GpuCodecKernels.Binding;
import org.farnode.backend.vulkan.GpuCodecKernels.Product;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec kernels against {@link ActivationQuantization} and {@link SmallMatmul}, on this
 * machine's real device (lavapipe in CI) with the validation layer watching.
 *
 * <p>Encoders must write the reference's bytes and decoders its float bits, exactly: the inputs
 * include exact rounding ties and their float neighbours, all-zero and negative-zero blocks,
 * magnitudes up to {@link Float#MAX_VALUE} and down past the 2^-100 threshold into subnormals,
 * and for FP16 every binary16 value with the floats around it, NaN payloads and infinities.
 *
 * <p>Products: {@code 1e-5·Σ|a·x|} per output (with the offset inside the sum for PROJECT and
 * added to it for RECONSTRUCT), as {@link GpuMatmulTest}: the reference sums in double and rounds
 * once; the GPU sums floats in another order, so only rounding may differ.
 */
class GpuCodecKernelsTest {
    private static final double PRODUCT_TOLERANCE = 1e-5;
    @TempDir
    static Path shaderCache;
    private static VulkanInstance vulkan;
    private static VulkanDevice device;
    private static GpuCodecKernels kernels;

    @BeforeAll
    static void open() {
        vulkan = VulkanTestSupport.openValidated();
        device = VulkanDevice.open(vulkan.physicalDevices().getFirst());
        kernels = new GpuCodecKernels(device, new ShaderCompiler(shaderCache));
    }

    @AfterAll
    static void close() {
        if (vulkan == null) {
            return;
        }
        if (kernels != null) {
            kernels.close();
        }
        if (device != null) {
            device.close();
        }
        assertThat(vulkan.validationMessages()).as("validation layer messages").isEmpty();
        vulkan.close();
    }

    static Stream<Arguments> windows() {
        int[][] shapes = {{1, 1}, {3, 7}, {1, 32}, {2, 33}, {5, 100}, {64, 67}, {2, 4096}, {3, 5000}};
        List<Arguments> cases = new ArrayList<>();
        for (ActivationFormat format : ActivationFormat.values()) {
            for (int[] shape : shapes) {
                for (String values : new String[] {"gaussian", "magnitudes", "edges"}) {
                    cases.add(Arguments.of(format, shape[0], shape[1], values));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} positions of {2}, {3}")
    @MethodSource("windows")
    void encodingIsTheReferenceBytes(ActivationFormat format, int count, int dim, String values) {
        float[] x = values(format, values, count, dim);
        byte[] expected = referenceEncoding(format, x, dim, count);
        assertThat(kernels.encode(format, x, dim, count)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1} positions of {2}, {3}")
    @MethodSource("windows")
    void decodingIsTheReferenceFloats(ActivationFormat format, int count, int dim, String values) {
        byte[] encoded = referenceEncoding(format, values(format, values, count, dim), dim, count);
        float[] expected = new float[dim * count];
        ActivationQuantization.decode(format, MemorySegment.ofArray(encoded), dim, count, expected);
        assertThat(bits(kernels.decode(format, encoded, dim, count))).isEqualTo(bits(expected));
    }

    @Test
    void fp16DecodesEveryBinary16Value() {
        byte[] encoded = new byte[2 * 65536];
        float[] expected = new float[65536];
        for (int h = 0; h < 65536; h++) {
            encoded[2 * h] = (byte) h;
            encoded[2 * h + 1] = (byte) (h >> 8);
            expected[h] = ActivationQuantization.fromHalf((short) h);
        }
        assertThat(bits(kernels.decode(ActivationFormat.FP16, encoded, 256, 256))).isEqualTo(bits(expected));
    }

    @Test
    void fp16EncodesEveryBinary16ValueTheFloatsAroundItAndRandomBits() {
        List<Float> values = new ArrayList<>();
        for (int h = 0; h < 65536; h++) {
            float value = Float.float16ToFloat((short) h);
            float next = Float.float16ToFloat((short) (h + 1));
            values.addAll(List.of(value, Math.nextUp(value), Math.nextDown(value)));
            if (Float.isFinite(value) && Float.isFinite(next) && Math.abs(next) > Math.abs(value)) {
                float tie = (value + next) / 2; // exact: halves have 11 significant bits
                values.addAll(List.of(tie, Math.nextUp(tie), Math.nextDown(tie)));
            }
        }
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 1 << 20; i++) {
            values.add(Float.intBitsToFloat(random.nextInt()));
        }
        float[] x = new float[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = values.get(i);
        }
        byte[] expected = referenceEncoding(ActivationFormat.FP16, x, x.length, 1);
        assertThat(kernels.encode(ActivationFormat.FP16, x, x.length, 1)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FP16", "INT8", "INT4"})
    void stridedWindowsReadAndWriteOnlyTheirValuesAndZeroTheLastWordsPadding(ActivationFormat format) {
        int dim = 37;
        int count = 5; // every format then leaves padding in its last word
        int stride = 40;
        float[] packed = values(format, "magnitudes", count, dim);
        float[] strided = new float[stride * count];
        Arrays.fill(strided, Float.NaN); // read outside the positions, and the bytes differ
        for (int p = 0; p < count; p++) {
            System.arraycopy(packed, p * dim, strided, p * stride, dim);
        }
        long encodedBytes = format.encodedBytes(dim, count);
        int words = (int) format.wordAlignedBytes(dim, count);
        float[] poison = new float[stride * count];
        Arrays.fill(poison, -7f); // what the decoder must leave between positions
        float[] decoded;
        byte[] encoded;
        try (GpuBuffer input = upload(device, strided);
             GpuBuffer encoding = GpuBuffer.hostVisible(device, words);
             GpuBuffer output = upload(device, poison);
             Binding encoder = kernels.bindEncoder(format, input, encoding);
             Binding decoder = kernels.bindDecoder(format, encoding, output)) {
            encoding.mapped().fill((byte) 0x5A);
            device.submitAndWait(c -> {
                kernels.recordEncode(c, format, encoder, dim, count, stride);
                VulkanDevice.computeBarrier(c);
                kernels.recordDecode(c, format, decoder, dim, count, stride);
            });
            encoded = encoding.mapped().toArray(ValueLayout.JAVA_BYTE);
            decoded = download(output, stride * count);
        }
        byte[] expected = referenceEncoding(format, packed, dim, count);
        assertThat(Arrays.copyOf(encoded, (int) encodedBytes)).isEqualTo(expected);
        assertThat(Arrays.copyOfRange(encoded, (int) encodedBytes, words)).as("padding of the last word").isNotEmpty().containsOnly(0);
        float[] values = new float[dim * count];
        ActivationQuantization.decode(format, MemorySegment.ofArray(expected), dim, count, values);
        for (int p = 0; p < count; p++) {
            for (int j = 0; j < stride; j++) {
                float want = j < dim ? values[p * dim + j] : -7f;
                assertThat(Float.floatToRawIntBits(decoded[p * stride + j])).as("position %d, float %d", p, j)
                        .isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1} x {2}, batch {3}, offset {4}")
    @CsvSource({"PROJECT, 1, 1, 1, false", "PROJECT, 3, 5, 1, true", "PROJECT, 17, 67, 3, true", "PROJECT, 64, 4096, 2, false",
            "PROJECT, 512, 8192, 1, true", "PROJECT, 40, 300, 64, true", "PROJECT, 5, 3, 17, false", "PROJECT, 8192, 16, 2, true",
            "RECONSTRUCT, 1, 1, 1, false", "RECONSTRUCT, 3, 5, 1, true", "RECONSTRUCT, 17, 67, 3, true",
            "RECONSTRUCT, 64, 4096, 2, false", "RECONSTRUCT, 512, 8192, 9, true", "RECONSTRUCT, 40, 300, 64, true",
            "RECONSTRUCT, 5, 3, 17, false", "RECONSTRUCT, 8192, 16, 2, true"})
    void productsMatchTheReference(Product product, int rows, int columns, int batch, boolean withOffset) {
        int in = product == Product.PROJECT ? columns : rows;
        int out = product == Product.PROJECT ? rows : columns;
        float[] a = RandomTensors.randomFloats(rows * columns, 3L * rows + columns);
        float[] x = RandomTensors.randomFloats(in * batch, 5L * in + batch);
        float[] offset = withOffset ? RandomTensors.randomFloats(columns, 7L * columns) : null;
        float[] expected = new float[out * batch];
        if (product == Product.PROJECT) {
            SmallMatmul.project(a, rows, columns, x, offset, expected, batch);
        } else {
            SmallMatmul.reconstruct(a, rows, columns, x, offset, expected, batch);
        }
        float[] actual = kernels.product(product, a, rows, columns, x, offset, batch);
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double magnitude = 0;
                for (int k = 0; k < in; k++) {
                    if (product == Product.PROJECT) {
                        magnitude += Math.abs(a[o * columns + k] * ((double) x[b * in + k] - (offset == null ? 0 : offset[k])));
                    } else {
                        magnitude += Math.abs((double) a[k * columns + o] * x[b * in + k]);
                    }
                }
                if (product == Product.RECONSTRUCT && offset != null) {
                    magnitude += Math.abs(offset[o]);
                }
                assertThat((double) actual[b * out + o]).as("output %d of vector %d", o, b)
                        .isCloseTo(expected[b * out + o], org.assertj.core.data.Offset.offset(PRODUCT_TOLERANCE * magnitude + 1e-30));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PROJECT", "RECONSTRUCT"})
    void stridedProductsWriteOnlyTheirOutputs(Product product) {
        int rows = 6;
        int columns = 10;
        int batch = 3;
        int in = product == Product.PROJECT ? columns : rows;
        int out = product == Product.PROJECT ? rows : columns;
        int xStride = in + 5;
        int yStride = out + 3;
        float[] a = RandomTensors.randomFloats(rows * columns, 1);
        float[] packed = RandomTensors.randomFloats(in * batch, 2);
        float[] x = new float[xStride * batch];
        Arrays.fill(x, Float.NaN);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(packed, b * in, x, b * xStride, in);
        }
        float[] poison = new float[yStride * batch];
        Arrays.fill(poison, -7f);
        float[] actual;
        try (GpuBuffer matrix = upload(device, a); GpuBuffer input = upload(device, x); GpuBuffer output = upload(device, poison);
             Binding binding = kernels.bindProduct(product, matrix, input, output, null)) {
            device.submitAndWait(c -> kernels.recordProduct(c, product, binding, rows, columns, batch, xStride, yStride));
            actual = download(output, yStride * batch);
        }
        float[] expected = kernels.product(product, a, rows, columns, packed, null, batch);
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < yStride; o++) {
                assertThat(actual[b * yStride + o]).as("vector %d, float %d", b, o).isEqualTo(o < out ? expected[b * out + o] : -7f);
            }
        }
    }

    @Test
    void recordingChecksItsArguments() {
        try (GpuBuffer input = GpuBuffer.hostVisible(device, 4 * 64);
             GpuBuffer encoding = GpuBuffer.hostVisible(device, 16);
             Binding encoder = kernels.bindEncoder(ActivationFormat.INT8, input, encoding)) {
            assertThatThrownBy(() -> device.submitAndWait(c -> kernels.recordEncode(c, ActivationFormat.INT8, encoder, 64, 1, 64)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the encoding buffer has 16 bytes; INT8 of 1 x 64 take 72");
            assertThatThrownBy(() -> device.submitAndWait(c -> kernels.recordEncode(c, ActivationFormat.INT4, encoder, 8, 1, 8)))
                    .hasMessageContaining("not an encoder of INT4");
            assertThatThrownBy(() -> device.submitAndWait(c -> kernels.recordEncode(c, ActivationFormat.INT8, encoder, 8, 2, 4)))
                    .hasMessageContaining("positions stride 4 must be at least 8");
            assertThatThrownBy(() -> device.submitAndWait(c -> kernels.recordEncode(c, ActivationFormat.INT8, encoder, 8, 0, 8)))
                    .hasMessageContaining("dim ≥ 1 and count ≥ 1");
            assertThatThrownBy(() -> device.submitAndWait(c -> kernels.recordEncode(c, ActivationFormat.INT8, encoder, 64, 2, 64)))
                    .hasMessageContaining("the input buffer has 256 bytes; 2 rows of 64 floats, 64 apart take 512");
        }
        assertThatThrownBy(() -> kernels.product(Product.PROJECT, new float[6], 2, 3, new float[2], null, 1))
                .hasMessageContaining("x has 2 elements, needs 3");
        assertThatThrownBy(() -> kernels.product(Product.RECONSTRUCT, new float[1], 1, 1, new float[70000], null, 70000))
                .hasMessageContaining("1 to 65535 rows, columns and vectors");
    }

    /** Test values: seeded Gaussians, Gaussians of magnitude 10^-20 to 10^20 per 32, or {@link #edges}. */
    private static float[] values(ActivationFormat format, String kind, int count, int dim) {
        return switch (kind) {
            case "gaussian" -> RandomTensors.randomFloats(count * dim, 11L * dim + count);
            case "magnitudes" -> magnitudes(count * dim, 13L * dim + count, format == ActivationFormat.FP16 ? 4 : 20);
            case "edges" -> format == ActivationFormat.FP16 ? halfEdges(count * dim) : edges(format, count, dim);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static float[] magnitudes(int n, long seed, int decades) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        double magnitude = 1;
        for (int i = 0; i < n; i++) {
            if (i % 32 == 0) {
                magnitude = Math.pow(10, random.nextInt(-decades, decades + 1));
            }
            x[i] = (float) (random.nextGaussian() * magnitude);
        }
        return x;
    }

    /**
     * Each block of each position one case in turn: exact ties of a power-of-two scale and their
     * neighbours, zeros and negative zeros, magnitudes up to {@link Float#MAX_VALUE}, a block at
     * exactly 2^-100 with subnormals beside it, one just under 2^-100 (stored as zeros), and
     * tiny normal values beside subnormals.
     */
    private static float[] edges(ActivationFormat format, int count, int dim) {
        SplittableRandom random = new SplittableRandom(17L * dim + count);
        int limit = format.limit();
        float[] x = new float[count * dim];
        int kind = 0;
        for (int p = 0; p < count; p++) {
            for (int first = 0; first < dim; first += ActivationFormat.BLOCK, kind++) {
                int last = Math.min(dim, first + ActivationFormat.BLOCK);
                for (int j = first; j < last; j++) {
                    int at = j - first;
                    float power = Math.scalb(1f, random.nextInt(-90, 100));
                    x[p * dim + j] = switch (kind % 6) {
                        case 0 -> { // scale = power exactly: limit·power ⊗ fl(1/limit) = power
                            if (at == 0) {
                                yield limit * power * (random.nextBoolean() ? 1 : -1);
                            }
                            float tie = (random.nextInt(-limit, limit) + 0.5f) * power;
                            yield switch (at % 3) {
                                case 0 -> tie;
                                case 1 -> Math.nextUp(tie);
                                default -> Math.nextDown(tie);
                            };
                        }
                        case 1 -> at % 2 == 0 ? -0f : 0f;
                        case 2 -> at == 0 ? Float.MAX_VALUE : (float) (random.nextDouble(-1, 1) * Float.MAX_VALUE);
                        case 3 -> at == 0 ? 0x1p-100f : (float) (random.nextDouble(-1, 1) * (at % 2 == 0 ? Float.MIN_NORMAL : 0x1p-100));
                        case 4 -> at == 0 ? -Math.nextDown(0x1p-100f) : (float) (random.nextDouble(-1, 1) * Float.MIN_NORMAL);
                        default -> (float) (random.nextGaussian() * 0x1p-95);
                    };
                }
            }
        }
        return x;
    }

    /** Binary16 edges: ±0, the largest half and the overflow point, subnormal halves and ties, NaN payloads, infinities. */
    private static float[] halfEdges(int n) {
        float[] edges = {0f, -0f, 65504f, 65519.996f, 65520f, -65520f, 0x1p-24f, 0x1p-25f, Math.nextUp(0x1p-25f), 0x3p-26f,
                0x1.8p-14f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.NaN, Float.intBitsToFloat(0xFFC01234),
                Float.intBitsToFloat(0x7F80000F), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.00048828125f,
                1.000732421875f, Float.MAX_VALUE};
        float[] x = RandomTensors.randomFloats(n, n);
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                x[i] = edges[(i / 3) % edges.length];
            }
        }
        return x;
    }

    private static byte[] referenceEncoding(ActivationFormat format, float[] x, int dim, int count) {
        byte[] bytes = new byte[(int) format.encodedBytes(dim, count)];
        ActivationQuantization.encode(format, x, dim, count, MemorySegment.ofArray(bytes));
        return bytes;
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
