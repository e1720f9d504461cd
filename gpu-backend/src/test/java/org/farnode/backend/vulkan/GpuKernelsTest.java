package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.farnode.backend.vulkan.GpuArrays.download;
import static org.farnode.backend.vulkan.GpuArrays.upload;
import static org.farnode.backend.vulkan.StridedRows.assertClose;
import static org.farnode.backend.vulkan.StridedRows.gaussian;
import static org.farnode.backend.vulkan.StridedRows.pack;
import static org.farnode.backend.vulkan.StridedRows.paddedStride;
import static org.farnode.backend.vulkan.StridedRows.poison;
import static org.farnode.backend.vulkan.StridedRows.random;
import static org.farnode.backend.vulkan.StridedRows.unpack;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.farnode.backend.ops.RandomTensors;
import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.vulkan.GpuArrays.BoundSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel of a GPU layer except the matrix product (see {@link GpuMatmulTest}) against the
 * reference implementation, on this machine's real device (lavapipe in CI) with the validation
 * layer watching. Inputs are seeded Gaussians in rows laid out as {@link GpuShard} keeps them,
 * with NaN in the padding and in the unfilled part of the KV cache (see {@link StridedRows}), so
 * reading or writing outside a kernel's rows shows up as a wrong value.
 *
 * <p>Tolerances, per value. The reference computes in double and rounds once; the GPU computes in
 * float, sums in another order (per thread, then across subgroups) and uses the device's exp and
 * sqrt (a few ulp). On lavapipe the worst error seen is about 1/40 of each bound below.
 * <ul>
 *   <li>add: exact, one correctly rounded float addition on both sides; the value cache: exact, a copy;</li>
 *   <li>swiglu and rmsnorm: {@code 1e-5·|expected|}: each output is a product of factors, none of
 *       which cancels, so the rounding of each factor (rmsnorm's sum of squares over up to 2048
 *       values included) stays relative to the result;</li>
 *   <li>rope (queries in place, keys into the cache): {@code 1e-5·(|a|+|b|)} for the pair (a, b),
 *       since {@code a·cos − b·sin} may cancel; both sides read the same float cos/sin table;
 *       values past the rope dimension: exact;</li>
 *   <li>attention: {@code 1e-5·max_t|v[t][d]|} over the positions the row attends to: the output
 *       is a convex combination of those values, and rounding in the scores (dot products of up
 *       to 64 terms) and in the sums over up to 300 positions moves the weights by far less.</li>
 * </ul>
 */
class GpuKernelsTest {
    private static final ReferenceOps REFERENCE = new ReferenceOps();
    private static final int CONTEXT_LENGTH = 512;
    private static final float EPSILON = 1e-5f;
    private static final double ELEMENTWISE = 1e-5;
    private static final double ATTENTION = 1e-5;
    @TempDir
    static Path shaderCache;
    private static VulkanInstance vulkan;
    private static VulkanDevice device;
    private static GpuKernels kernels;

    @BeforeAll
    static void open() {
        vulkan = VulkanTestSupport.openValidated();
        device = VulkanDevice.open(vulkan.physicalDevices().getFirst());
        kernels = new GpuKernels(device, new ShaderCompiler(shaderCache), CONTEXT_LENGTH);
    }

    @AfterAll
    static void close() {
        if (vulkan == null) {
            return;
        }
        kernels.close();
        device.close();
        assertThat(vulkan.validationMessages()).as("validation layer messages").isEmpty();
        vulkan.close();
    }

    @ParameterizedTest(name = "NeoX pairs, {0} heads / {1} KV heads of {2}, rope over {3}, {4} rows from position {5}")
    @CsvSource({"4, 2, 16, 16, 3, 37", "8, 4, 64, 32, 3, 37", "2, 1, 256, 128, 2, 0", "1, 1, 2, 2, 1, 5"})
    void neoxRopeWithScaledFrequenciesAndCacheAppendMatchTheReference(int heads, int kvHeads, int headSize, int ropeDimension,
                                                                     int rows, int start) {
        AttentionWindow window = AttentionWindow.random(heads, kvHeads, headSize, start, rows, scaledNeox(ropeDimension));
        AttentionWindow.Result expected = window.reference(REFERENCE);
        AttentionWindow.Result actual = window.runOn(device, kernels);
        assertClose("rotated rows", actual.qkv(), expected.qkv(), window.rotationAllowance(ELEMENTWISE), window.qkvStride());
        assertClose("key cache", actual.keyCache(), expected.keyCache(), window.keyCacheAllowance(ELEMENTWISE), window.kvDim());
        assertClose("attention", actual.attended(), expected.attended(), window.allowance(ATTENTION), window.stride());
    }

    @ParameterizedTest(name = "NeoX pairs, {0} heads / {1} KV heads of {2}, rope over {3}, one row after {4} cached positions")
    @CsvSource({"8, 2, 64, 64, 37", "8, 4, 64, 32, 37", "4, 2, 6, 6, 5", "1, 1, 2, 2, 0"})
    void neoxDecodeAttentionWithRopeAndAppendMatchesTheReference(int heads, int kvHeads, int headSize, int ropeDimension, int start) {
        AttentionWindow window = AttentionWindow.random(heads, kvHeads, headSize, start, 1, scaledNeox(ropeDimension));
        AttentionWindow.Result expected = window.reference(REFERENCE);
        AttentionWindow.Result actual = window.runDecodeOn(device, kernels);
        assertClose("key cache", actual.keyCache(), expected.keyCache(), window.keyCacheAllowance(ELEMENTWISE), window.kvDim());
        assertClose("attention", actual.attended(), expected.attended(), window.allowance(ATTENTION), window.stride());
    }

    /** NeoX pairs with growing frequency divisors and linear position scaling, so a kernel that ignores either fails. */
    private static org.farnode.backend.ops.RopeTable scaledNeox(int ropeDimension) {
        float[] factors = new float[ropeDimension / 2];
        for (int i = 0; i < factors.length; i++) {
            factors[i] = 1 + i;
        }
        return new org.farnode.backend.ops.RopeTable(ropeDimension, CONTEXT_LENGTH, 10000.0, org.farnode.backend.ops.RopeStyle.NEOX,
                factors, 2.0);
    }

    @ParameterizedTest(name = "{0} wide, {1} rows")
    @CsvSource({"1, 1", "1, 3", "7, 3", "64, 1", "67, 3", "2048, 1", "2048, 3"})
    void rmsnormMatchesTheReference(int size, int rows) {
        int stride = paddedStride(size);
        float[] x = random(rows, stride, size, 11L * size + rows);
        float[] weight = gaussian(size, 13L * size);
        float[] normed = new float[rows * size];
        REFERENCE.rmsnorm(normed, pack(x, rows, stride, size), RandomTensors.f32Vector("test.norm.weight", weight), size, rows, EPSILON);
        float[] expected = unpack(normed, poison(rows * stride), rows, stride, size);
        float[] actual;
        try (GpuBuffer input = upload(device, x); GpuBuffer w = upload(device, weight);
             GpuBuffer output = upload(device, poison(rows * stride));
             BoundSet set = BoundSet.bind(kernels.rmsnorm, input, w, output)) {
            int[] shape = {size, stride, Float.floatToRawIntBits(EPSILON)};
            device.submitAndWait(c -> kernels.rmsnorm.record(c, set.set(), shape, rows, 1));
            actual = download(output, rows * stride);
        }
        assertClose("rmsnorm", actual, expected, relative(expected, ELEMENTWISE), stride);
    }

    @ParameterizedTest(name = "{0} heads / {1} KV heads of {2}, rope over {3}, {4} rows from position {5}")
    @CsvSource({"4, 4, 16, 16, 1, 0", "4, 2, 16, 16, 3, 37", "8, 8, 64, 64, 3, 0", "8, 2, 64, 64, 1, 37", "8, 4, 64, 32, 3, 37",
            "2, 2, 256, 256, 3, 37", "2, 1, 256, 128, 2, 0", "1, 1, 2, 2, 3, 37"})
    void ropeAndCacheAppendMatchTheReference(int heads, int kvHeads, int headSize, int ropeDimension, int rows, int start) {
        AttentionWindow window = AttentionWindow.random(heads, kvHeads, headSize, ropeDimension, start, rows, CONTEXT_LENGTH);
        AttentionWindow.Result expected = window.reference(REFERENCE);
        AttentionWindow.Result actual = window.runOn(device, kernels);
        assertClose("rotated rows", actual.qkv(), expected.qkv(), window.rotationAllowance(ELEMENTWISE), window.qkvStride());
        assertClose("key cache", actual.keyCache(), expected.keyCache(), window.keyCacheAllowance(ELEMENTWISE), window.kvDim());
        assertClose("value cache", actual.valueCache(), expected.valueCache(), new float[expected.valueCache().length], window.kvDim());
    }

    @ParameterizedTest(name = "{0} wide, {1} rows")
    @CsvSource({"1, 1", "7, 3", "67, 3", "131, 2", "5632, 2"})
    void swigluMatchesTheReference(int size, int rows) {
        int upOffset = paddedStride(size);
        int stride = upOffset + paddedStride(size) + 8;
        float[] gate = random(rows, stride, size, 19L * size + rows);
        float[] up = random(rows, stride, size, 23L * size + rows);
        float[] gateUp = gate.clone();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(up, i * stride, gateUp, i * stride + upOffset, size);
        }
        float[] activated = pack(gate, rows, stride, size);
        REFERENCE.swiglu(activated, pack(up, rows, stride, size), rows * size);
        float[] expected = unpack(activated, gateUp.clone(), rows, stride, size);
        float[] actual;
        try (GpuBuffer buffer = upload(device, gateUp); BoundSet set = BoundSet.bind(kernels.swiglu, buffer)) {
            device.submitAndWait(c -> kernels.swiglu.record(c, set.set(), new int[] {size, stride, upOffset}, groups(size), rows));
            actual = download(buffer, gateUp.length);
        }
        assertClose("swiglu", actual, expected, relative(expected, ELEMENTWISE), stride);
    }

    @ParameterizedTest(name = "{0} wide, {1} rows")
    @CsvSource({"1, 1", "7, 3", "67, 3", "131, 2", "2048, 3"})
    void addMatchesTheReference(int size, int rows) {
        int stride = paddedStride(size);
        float[] accumulator = random(rows, stride, size, 29L * size + rows);
        float[] addend = random(rows, stride, size, 31L * size + rows);
        float[] sum = pack(accumulator, rows, stride, size);
        REFERENCE.add(sum, pack(addend, rows, stride, size), rows * size);
        float[] expected = unpack(sum, accumulator.clone(), rows, stride, size);
        float[] actual = runInPlace(kernels.add, accumulator, addend, size, stride, rows);
        assertClose("add", actual, expected, new float[expected.length], stride);
    }

    @ParameterizedTest(name = "bias of {0}, {1} rows")
    @CsvSource({"1, 1", "7, 3", "67, 3", "2048, 2"})
    void biasAddMatchesTheReference(int size, int rows) {
        int stride = paddedStride(size);
        float[] accumulator = random(rows, stride, size, 37L * size + rows);
        float[] bias = gaussian(size, 41L * size);
        float[] sum = pack(accumulator, rows, stride, size);
        REFERENCE.addBias(sum, RandomTensors.f32Vector("test.bias", bias), size, rows);
        float[] expected = unpack(sum, accumulator.clone(), rows, stride, size);
        float[] actual = runInPlace(kernels.bias, accumulator, bias, size, stride, rows);
        assertClose("bias", actual, expected, new float[expected.length], stride);
    }

    @ParameterizedTest(name = "{0} heads / {1} KV heads of {2}, {4} rows after {3} cached positions")
    @MethodSource("attentionCases")
    void attentionAfterRopeAndCacheAppendMatchesTheReference(int heads, int kvHeads, int headSize, int start, int rows) {
        AttentionWindow window = AttentionWindow.random(heads, kvHeads, headSize, headSize, start, rows, CONTEXT_LENGTH);
        AttentionWindow.Result expected = window.reference(REFERENCE);
        AttentionWindow.Result actual = window.runOn(device, kernels);
        assertClose("attention", actual.attended(), expected.attended(), window.allowance(ATTENTION), window.stride());
    }

    @ParameterizedTest(name = "{0} heads / {1} KV heads of {2}, rope over {3}, one row after {4} cached positions")
    @CsvSource({"8, 8, 64, 64, 0", "8, 2, 64, 64, 37", "4, 1, 8, 8, 297", "8, 4, 64, 32, 37", "2, 1, 256, 256, 37",
            "2, 2, 256, 128, 0", "4, 2, 6, 6, 5", "1, 1, 2, 2, 37"})
    void decodeAttentionWithRopeAndAppendMatchesTheReference(int heads, int kvHeads, int headSize, int ropeDimension, int start) {
        AttentionWindow window = AttentionWindow.random(heads, kvHeads, headSize, ropeDimension, start, 1, CONTEXT_LENGTH);
        AttentionWindow.Result expected = window.reference(REFERENCE);
        AttentionWindow.Result actual = window.runDecodeOn(device, kernels);
        assertClose("key cache", actual.keyCache(), expected.keyCache(), window.keyCacheAllowance(ELEMENTWISE), window.kvDim());
        assertClose("value cache", actual.valueCache(), expected.valueCache(), new float[expected.valueCache().length], window.kvDim());
        assertClose("attention", actual.attended(), expected.attended(), window.allowance(ATTENTION), window.stride());
    }

    static Stream<Arguments> attentionCases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (int[] grouping : new int[][] {{8, 8}, {8, 2}, {4, 1}}) {
            for (int headSize : new int[] {8, 64}) {
                for (int start : new int[] {0, 37, 297}) {
                    for (int rows : new int[] {1, 3}) {
                        cases.add(Arguments.of(grouping[0], grouping[1], headSize, start, rows));
                    }
                }
            }
        }
        return cases.build();
    }

    /** Runs a two-buffer element-wise kernel (swiglu, add) that updates its first buffer; returns that buffer. */
    private static float[] runInPlace(ComputePipeline kernel, float[] updated, float[] other, int size, int stride, int rows) {
        try (GpuBuffer first = upload(device, updated); GpuBuffer second = upload(device, other);
             BoundSet set = BoundSet.bind(kernel, first, second)) {
            device.submitAndWait(c -> kernel.record(c, set.set(), new int[] {size, stride}, groups(size), rows));
            return download(first, updated.length);
        }
    }

    static int groups(int items) {
        return (items + 63) / 64;
    }

    private static float[] relative(float[] expected, double tolerance) {
        float[] allowed = new float[expected.length];
        for (int j = 0; j < expected.length; j++) {
            allowed[j] = (float) (tolerance * Math.abs(expected[j]));
        }
        return allowed;
    }
}
