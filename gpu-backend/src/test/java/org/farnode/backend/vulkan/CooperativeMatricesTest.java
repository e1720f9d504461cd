package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_COMPONENT_TYPE_FLOAT16_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_COMPONENT_TYPE_FLOAT32_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_COMPONENT_TYPE_SINT32_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_COMPONENT_TYPE_SINT8_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_SCOPE_SUBGROUP_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_SCOPE_WORKGROUP_KHR;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of a device's cooperative-matrix offers the kernels pick (no device needed). */
class CooperativeMatricesTest {
    private static final int F16 = VK_COMPONENT_TYPE_FLOAT16_KHR;
    private static final int F32 = VK_COMPONENT_TYPE_FLOAT32_KHR;

    private static CooperativeMatrices.Offer halfIntoFloat(int m, int n, int k) {
        return new CooperativeMatrices.Offer(m, n, k, F16, F16, F32, F32, VK_SCOPE_SUBGROUP_KHR, false);
    }

    @Test
    void prefers16By16By16AmongNvidiaLikeOffers() {
        List<CooperativeMatrices.Offer> offers = List.of(
                new CooperativeMatrices.Offer(16, 8, 32, VK_COMPONENT_TYPE_SINT8_KHR, VK_COMPONENT_TYPE_SINT8_KHR,
                        VK_COMPONENT_TYPE_SINT32_KHR, VK_COMPONENT_TYPE_SINT32_KHR, VK_SCOPE_SUBGROUP_KHR, false),
                halfIntoFloat(16, 8, 16), halfIntoFloat(16, 8, 8), halfIntoFloat(16, 16, 16),
                new CooperativeMatrices.Offer(16, 16, 16, F16, F16, F16, F16, VK_SCOPE_SUBGROUP_KHR, false));
        assertThat(CooperativeMatrices.choose(offers, 32)).contains(new CooperativeMatrixShape(16, 16, 16, 32));
    }

    @Test
    void otherwiseTakesTheLargestHalfIntoFloatShape() {
        assertThat(CooperativeMatrices.choose(List.of(halfIntoFloat(16, 8, 8), halfIntoFloat(16, 8, 16)), 32))
                .contains(new CooperativeMatrixShape(16, 8, 16, 32));
    }

    @Test
    void refusesShapesTheShaderCannotStepThrough() {
        // k must divide a 32-value block; integer, f16-accumulating, workgroup-scope and saturating offers do not fit
        assertThat(CooperativeMatrices.choose(List.of(
                halfIntoFloat(16, 16, 48),
                new CooperativeMatrices.Offer(16, 16, 16, F16, F16, F16, F16, VK_SCOPE_SUBGROUP_KHR, false),
                new CooperativeMatrices.Offer(16, 16, 16, F16, F16, F32, F32, VK_SCOPE_WORKGROUP_KHR, false),
                new CooperativeMatrices.Offer(16, 16, 16, F16, F16, F32, F32, VK_SCOPE_SUBGROUP_KHR, true)), 32)).isEmpty();
    }
}
