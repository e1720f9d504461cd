package org.farnode.app.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.testing.SharedData;
import org.farnode.backend.ops.CpuOps;
import org.farnode.backend.ops.Ops;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The llama.cpp-quantized models of ../shared/testdata/kquants run on the CPU backend: the
 * logits after the prompt "Once" against {@code first_step_logits.plain_float64_reference} of
 * each {@code .greedy.json}, a float64 forward over the same dequantized weights (see the
 * folder's README). Our activations stay float32, so only float rounding separates the two.
 *
 * <p>Measured maximum absolute differences over the 512 logits (2 threads, 16-lane vectors /
 * scalar kernels): Q8_0 2.2e-7 / 3.3e-7, Q4_0 2.2e-7 / 3.6e-7, Q4_K_M-pure 2.4e-7 / 4.0e-7,
 * Q5_K_M-pure 2.0e-7 / 4.5e-7, Q6_K 2.5e-7 / 3.4e-7, Q2_K 2.5e-7 / 3.3e-7, Q3_K_M-pure
 * 2.2e-7 / 4.0e-7, Q4_K_M-mix 1.6e-7 / 3.7e-7. The bound asserted, 1e-5, leaves room for other
 * vector widths and is a hundredth of the 1e-3 the issue asks for; a wrong scale, nibble or
 * block would be off by far more (llama.cpp's own quantized-activation path is off by ~1e-2).
 */
class KquantsLogitsTest {
    private static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0-pure", "Q4_0-pure", "Q4_K_M-pure", "Q5_K_M-pure", "Q6_K-pure", "Q2_K-pure",
            "Q3_K_M-pure", "Q4_K_M-mix"})
    void firstStepLogitsMatchTheFloat64Reference(String variant) throws Exception {
        Path path = SharedData.require("testdata/kquants/tiny-llama-" + variant + ".gguf");
        JsonNode greedy = JSON.readTree(Path.of(path + ".greedy.json").toFile());
        double[] expected = doubles(greedy.get("first_step_logits").get("plain_float64_reference"));
        int referenceFirstId = greedy.get("plain_float64_reference").get("generated_ids").get(0).asInt();
        for (boolean vectors : new boolean[] {true, false}) {
            try (LoadedModel model = LoadedModel.open(path, null); Ops ops = new CpuOps(2, vectors)) {
                assertThat(model.tokenizer().addBosToken()).isTrue();
                int[] prompt = prepend(model.tokenizer().bosId(), model.tokenizer().encode("Once"));
                assertThat(prompt).containsExactly(1, 403);
                float[] logits = lastPositionLogits(model.weights(), ops, prompt);
                double maxDifference = 0;
                for (int i = 0; i < expected.length; i++) {
                    maxDifference = Math.max(maxDifference, Math.abs(logits[i] - expected[i]));
                }
                System.out.printf("%s on %s: max |logit - float64 reference| = %.2e%n", variant, ops.name(), maxDifference);
                assertThat(maxDifference).as("%s on %s: max |logit - float64 reference| over %d logits",
                        variant, ops.name(), expected.length).isLessThanOrEqualTo(TOLERANCE);
                // Smoke test only: the reference's first choice leads by more than 0.1 in every file.
                assertThat(argmax(logits)).as("first greedy token of %s", variant).isEqualTo(referenceFirstId);
            }
        }
    }

    /** Logits after the whole prompt, run as one window through every layer. */
    private static float[] lastPositionLogits(LlamaWeights weights, Ops ops, int[] prompt) {
        GatewayModel gateway = new GatewayModel(weights, ops);
        ShardSession shard = new ShardRunner(weights, LayerRange.all(weights.config().blockCount()), ops).openSession();
        float[] all = gateway.logits(shard.forward(0, gateway.embed(prompt)));
        int vocab = weights.config().vocabularySize();
        return Arrays.copyOfRange(all, (prompt.length - 1) * vocab, prompt.length * vocab);
    }

    private static int[] prepend(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
