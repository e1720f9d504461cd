package org.farnode.app.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.Backend;
import org.farnode.backend.vulkan.VulkanInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A shard on the GPU (lavapipe in CI) against the same shard on the reference-tested CPU ops,
 * with the Khronos validation layer on: hidden states within a stated tolerance after every
 * window, and the same greedy text.
 */
class GpuShardTest {
    private static LoadedModel model;
    private static Backend gpu;
    private static Backend cpu;

    @BeforeAll
    static void open() throws Exception {
        model = LoadedModel.open(Stories260K.gguf(), null);
        System.setProperty(VulkanInstance.VALIDATION_PROPERTY, "true");
        try {
            gpu = Backend.open(Backend.Choice.VULKAN, 2, null, null, notice -> { });
        } catch (IllegalArgumentException | org.farnode.backend.vulkan.VulkanException e) {
            String message = "Vulkan with validation is not usable here: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true requires it (see .ci/run)", e);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        } finally {
            System.clearProperty(VulkanInstance.VALIDATION_PROPERTY);
        }
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void close() throws Exception {
        if (model == null) { // the shared model was missing: every test was skipped
            return;
        }
        if (gpu != null) {
            List<String> messages = gpu.gpu().orElseThrow().validationMessages();
            gpu.close();
            assertThat(messages).as("validation layer messages").isEmpty();
        }
        if (cpu != null) {
            cpu.close();
        }
        model.close();
    }

    @Test
    void hiddenStatesMatchTheCpuShardWindowByWindow() {
        LayerRange layers = new LayerRange(1, 4);
        ShardSession onGpu = ShardRunner.on(gpu, model.weights(), layers).openSession();
        ShardSession onCpu = ShardRunner.on(cpu, model.weights(), layers).openSession();
        GatewayModel gateway = new GatewayModel(model.weights(), cpu.ops());
        int[][] windows = {{1, 403, 407, 261, 378, 1000 % 512, 7}, {42}, {9, 10}, {300}};
        int position = 0;
        for (int[] tokens : windows) {
            HiddenStates input = gateway.embed(tokens);
            float[] expected = onCpu.forward(position, input).values();
            float[] actual = onGpu.forward(position, input).values();
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).as("window at %d, value %d", position, i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(2e-4 * Math.max(1, Math.abs(expected[i]))));
            }
            position += tokens.length;
        }
        onGpu.truncate(7);
        onCpu.truncate(7);
        float[] again = onGpu.forward(7, gateway.embed(new int[] {42})).values();
        float[] reference = onCpu.forward(7, gateway.embed(new int[] {42})).values();
        for (int i = 0; i < reference.length; i++) {
            assertThat((double) again[i]).isCloseTo(reference[i], org.assertj.core.data.Offset.offset(2e-4 * Math.max(1, Math.abs(reference[i]))));
        }
        onGpu.close();
        onCpu.close();
    }

    @Test
    void aShardLargerThanTheVramCapIsRefusedWithBothSizes() {
        try (Backend capped = Backend.open(Backend.Choice.VULKAN, 1, null, 300_000L, notice -> { })) {
            assertThatThrownBy(() -> ShardRunner.on(capped, model.weights(), LayerRange.all(5)))
                    .isInstanceOf(org.farnode.backend.vulkan.VulkanException.class)
                    .hasMessageContaining("this shard's weights need").hasMessageContaining("but the cap is 293.0 KiB")
                    .hasMessageContaining("serve fewer layers, or raise the cap");
            ShardRunner.on(capped, model.weights(), new LayerRange(0, 1)).openSession().close(); // one layer fits
        }
    }

    @Test
    void aShardRefusesMoreSessionsThanItsDescriptorPoolsHoldWithAClearError() {
        ShardRunner shard = ShardRunner.on(gpu, model.weights(), LayerRange.all(5));
        List<ShardSession> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 1024 / 5; i++) {
            sessions.add(shard.openSession());
        }
        assertThatThrownBy(shard::openSession).isInstanceOf(org.farnode.backend.vulkan.VulkanException.class)
                .hasMessageContaining("holds at most 204 sessions at once; close one first");
        sessions.removeFirst().close();
        sessions.add(shard.openSession());
        sessions.forEach(ShardSession::close);
    }

    @Test
    void greedyGenerationOnTheGpuPrintsTheReferenceText() {
        ShardStage all = ShardRunner.on(gpu, model.weights(), LayerRange.all(5)).openSession();
        // The gateway's LM head on the GPU too, as far generate --backend vulkan runs it.
        Generator generator = new Generator(GatewayModel.on(gpu, model.weights()), model.tokenizer(), List.of(all));
        StringBuilder text = new StringBuilder();
        generator.generate("", 256, new SamplingSettings(0, 0, 1, 1), (id, piece) -> text.append(piece));
        all.close();
        assertThat(text.toString() + "\n").isEqualTo(Stories260K.greedyText256());
    }
}
