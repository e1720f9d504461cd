package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cooperative-matrix product against the reference, on the machine's first Vulkan device with
 * the validation layer watching. On a device without usable cooperative matrices (lavapipe, which
 * CI has) the product tests skip with a message, even under {@code CI=true}: CI cannot run them.
 *
 * <p>Tolerance: the kernel rounds weights and inputs to f16, which moves each product
 * {@code W[r,c]·x[c]} by at most {@code 2·2^-10} of itself, so an output may differ from the f32
 * reference by about {@code 2e-3·Σ|W[r,c]·x[c]|}; allowed: {@code 2.5e-3} of that (f32 summation
 * adds ~1e-7 per term). As that bound hides one wrong product in a long row, each output is also
 * compared with the reference computed from the f16-rounded factors, where only summation order
 * (and the device's conversion rounding) differs: allowed {@code 1e-4} of the same sum
 * ({@link CoopMatmulCheck#FROM_REFERENCE}, {@link CoopMatmulCheck#FROM_ROUNDED_REFERENCE}).
 */
class GpuCoopMatmulTest {
    @TempDir
    static Path shaderCache;
    private static VulkanInstance vulkan;
    private static VulkanDevice device;
    private static GpuCoopMatmul coop;
    private static GpuMatmul portable;

    @BeforeAll
    static void open() {
        vulkan = VulkanTestSupport.openValidated();
        device = VulkanDevice.open(vulkan.physicalDevices().getFirst());
        ShaderCompiler compiler = new ShaderCompiler(shaderCache);
        portable = new GpuMatmul(device, compiler);
        if (device.cooperativeMatrix().isPresent()) {
            coop = new GpuCoopMatmul(device, compiler);
        }
    }

    @AfterAll
    static void close() {
        if (vulkan == null) {
            return;
        }
        if (coop != null) {
            coop.close();
        }
        portable.close();
        device.close();
        assertThat(vulkan.validationMessages()).as("validation layer messages").isEmpty();
        vulkan.close();
    }

    @Test
    void detectionReportsWhatTheDeviceOffers() {
        System.err.println(device.name() + ": cooperative matrix " + device.cooperativeMatrix().map(Object::toString).orElse("none"));
        if (device.name().contains("llvmpipe")) {
            assertThat(device.cooperativeMatrix()).as("lavapipe offers no VK_KHR_cooperative_matrix").isEmpty();
        }
        device.cooperativeMatrix().ifPresent(shape -> assertThat(32 % shape.k()).as("k divides a quantized block").isZero());
    }

    @Test
    void withoutCooperativeMatricesTheKernelRefusesToBuild() {
        Assumptions.assumeTrue(device.cooperativeMatrix().isEmpty(), "this device has cooperative matrices");
        assertThatThrownBy(() -> new GpuCoopMatmul(device, new ShaderCompiler(shaderCache)))
                .isInstanceOf(VulkanException.class).hasMessageContaining("cooperative matrices");
    }

    static java.util.List<CoopMatmulCheck.Case> cases() {
        return CoopMatmulCheck.CASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReference(CoopMatmulCheck.Case check) {
        skipWithoutCooperativeMatrices();
        CoopMatmulCheck.Result result = CoopMatmulCheck.run(device, coop, portable, check);
        assertThat(result.strayWrites()).as("values changed outside the outputs").isZero();
        assertThat(result.fromReference()).as("largest difference from the f32 reference, over Σ|w·x|")
                .isLessThan(CoopMatmulCheck.FROM_REFERENCE);
        assertThat(result.fromRoundedReference()).as("largest difference from the f16-rounded reference, over Σ|w·x|")
                .isLessThan(CoopMatmulCheck.FROM_ROUNDED_REFERENCE);
    }

    /** Skips (never fails, not even under CI=true: CI has only lavapipe) where the device has no cooperative matrices. */
    private static void skipWithoutCooperativeMatrices() {
        if (coop == null) {
            String message = device.name() + " offers no cooperative matrices GpuCoopMatmul can use";
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
    }
}
