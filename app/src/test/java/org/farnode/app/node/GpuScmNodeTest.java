package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.farnode.app.codec.CodecCalibration;
import org.farnode.app.codec.CodecPlacement;
import org.farnode.app.codec.GpuScmCodec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.codec.ScmPayloads;
import org.farnode.app.codec.scm.BoundaryFit;
import org.farnode.app.codec.scm.BoundaryStatistics;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.codec.scm.ScmFile;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.testing.ForwardingCodec;
import org.farnode.app.testing.Stories260K;
import org.farnode.app.testing.ValidatedVulkan;
import org.farnode.backend.Backend;
import org.farnode.backend.ops.ActivationFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node on the Vulkan backend (lavapipe in CI, validation on) serving SCM sessions, its layers
 * and its codec on the GPU, against the same node on the CPU: the gateway sends both the same
 * payload and decodes both replies with the CPU codec.
 *
 * <p>Tolerance. The CPU node is replayed here (decode, shard, encode: the same code, so the same
 * bytes), which gives its shard output y and its reply. The GPU node's shard output is within
 * {@code ε_j = 4e-4·max(1, |y_j|)} of y (GpuShardTest's 2e-4 for the same input, doubled because
 * the GPU decoder's input differs in its last bits), so its coefficients before coding are within
 * {@code e_i = Σ_j |B_ij|·ε_j / d_i + 1e-5·m_i} of the CPU node's. The two replies are then
 * compared as in GpuScmCodecTest ({@link ScmPayloads#compare}): equal codes differ only through
 * their block's scale, differing codes by one step, and at most one code in 20 may differ. An
 * output value is within {@code Σ_i |B_ij|·d_i} times its coefficients' bounds; an outlier within
 * {@code ε_j}.
 *
 * <p>The codebook is calibrated on the model's own text as far calibrate does it.
 */
class GpuScmNodeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final LayerRange LAYERS = new LayerRange(0, 3);
    private static final double SHARD_TOLERANCE = 4e-4;
    private static LoadedModel model;
    private static ModelId modelId;
    private static Backend gpu;
    private static Backend cpu;
    private static CodecCalibration calibration;
    private static NodeServer cpuNode;
    private static NodeServer gpuNode;
    private static PeerAddress cpuAddress;
    private static PeerAddress gpuAddress;

    @BeforeAll
    static void startBothNodes() throws Exception {
        model = LoadedModel.open(Stories260K.gguf(), null);
        modelId = ModelFingerprint.of(model.path());
        gpu = ValidatedVulkan.openOrSkip(2);
        cpu = Backend.cpu(2);
        ScmCodebook codebook = calibrate();
        calibration = new CodecCalibration(codebook, ScmFile.hash(codebook));
        NodeSettings settings = NodeSettings.defaults().withCalibration(calibration);
        NodeIdentity cpuIdentity = NodeIdentity.ephemeral();
        NodeIdentity gpuIdentity = NodeIdentity.ephemeral();
        cpuNode = NodeServer.start(new NodeService(ShardRunner.on(cpu, model.weights(), LAYERS), modelId, cpuIdentity.nodeId(),
                cpu.description(), settings, CodecPlacement.on(cpu, Optional.of(calibration))), cpuIdentity, "127.0.0.1", 0);
        gpuNode = NodeServer.start(new NodeService(ShardRunner.on(gpu, model.weights(), LAYERS), modelId, gpuIdentity.nodeId(),
                gpu.description(), settings, CodecPlacement.on(gpu, Optional.of(calibration))), gpuIdentity, "127.0.0.1", 0);
        cpuAddress = new PeerAddress("127.0.0.1", cpuNode.port(), cpuIdentity.nodeId());
        gpuAddress = new PeerAddress("127.0.0.1", gpuNode.port(), gpuIdentity.nodeId());
    }

    /**
     * A codebook calibrated as far calibrate does it, on the model's own greedy text: the states
     * entering the served layers (the embeddings) and leaving them, fitted to fidelity 0.999.
     */
    private static ScmCodebook calibrate() {
        int width = model.config().embeddingLength();
        int[] tokens = model.tokenizer().encode(Stories260K.greedyText256());
        BoundaryStatistics entering = new BoundaryStatistics(LAYERS.start(), width);
        BoundaryStatistics leaving = new BoundaryStatistics(LAYERS.end(), width);
        HiddenStates embedded = new GatewayModel(model.weights(), cpu.ops()).embed(tokens);
        entering.addRows(embedded.values(), 0, embedded.positions());
        try (ShardSession shard = ShardRunner.on(cpu, model.weights(), LAYERS).openSession()) {
            HiddenStates out = shard.forward(0, embedded);
            leaving.addRows(out.values(), 0, out.positions());
        }
        BoundaryFit fit = new BoundaryFit(0.999, width);
        return new ScmCodebook(modelId, width, 0.999, List.of(fit.fit(entering), fit.fit(leaving)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (model == null) { // the shared model was missing: every test was skipped
            return;
        }
        for (NodeServer server : new NodeServer[] {cpuNode, gpuNode}) {
            if (server != null) {
                server.close();
            }
        }
        if (cpu != null) {
            cpu.close();
        }
        if (gpu != null) {
            assertThat(ValidatedVulkan.closeAndReport(gpu)).as("validation layer messages").isEmpty();
        }
        model.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scm8", "scm4", "scm16"})
    void aVulkanNodeServesAnScmSessionAsTheCpuNodeDoesWithinTheCodesStep(String name) throws Exception {
        HiddenStateCodec codec = HiddenStateCodecs.byName(name, Optional.of(calibration));
        assertThat(gpuNode.service().codecs().description()).contains("on the GPU");
        assertThat(gpuNode.service().codecs().place(codec)).isInstanceOf(GpuScmCodec.class);
        assertThat(cpuNode.service().codecs().place(codec)).isSameAs(codec);
        ActivationFormat format = ScmPayloads.format(codec);
        GatewayModel gateway = new GatewayModel(model.weights(), cpu.ops());
        ScmBoundary output = calibration.codebook().at(LAYERS.end()).orElseThrow();
        Recording cpuReplies = new Recording(codec);
        Recording gpuReplies = new Recording(codec);
        try (PeerClient toCpu = PeerClient.connect(cpuAddress, modelId, TIMEOUT);
             PeerClient toGpu = PeerClient.connect(gpuAddress, modelId, TIMEOUT);
             ShardSession replay = ShardRunner.on(cpu, model.weights(), LAYERS).openSession()) {
            RemoteShardStage onCpu = toCpu.openSession(cpuReplies);
            RemoteShardStage onGpu = toGpu.openSession(gpuReplies);
            int position = 0;
            int codes = 0;
            int differing = 0;
            for (int[] tokens : new int[][] {{1, 403, 407, 261, 378, 7}, {42}, {9, 10}}) {
                int count = tokens.length;
                HiddenStates input = gateway.embed(tokens);
                float[] fromCpu = onCpu.forward(position, input).values();
                float[] fromGpu = onGpu.forward(position, input).values();
                HiddenStates received = codec.decode(codec.encode(input, LAYERS.start()), count, input.width(), LAYERS.start());
                HiddenStates y = replay.forward(position, received);
                assertThat(cpuReplies.last).as("the CPU node's reply, replayed").isEqualTo(codec.encode(y, LAYERS.end()));
                assertThat(gpuReplies.last).hasSameSizeAs(cpuReplies.last);

                double[] shard = shardTolerance(y);
                ScmPayloads.CoefficientComparison comparison = ScmPayloads.compare(format, output, gpuReplies.last, cpuReplies.last,
                        beforeCoding(output, y, shard), count);
                float[] cpuCoefficients = ScmPayloads.coefficients(format, output, cpuReplies.last, count);
                float[] gpuCoefficients = ScmPayloads.coefficients(format, output, gpuReplies.last, count);
                for (int k = 0; k < cpuCoefficients.length; k++) {
                    assertThat((double) gpuCoefficients[k]).as("%s window at %d, coefficient %d", name, position, k)
                            .isCloseTo(cpuCoefficients[k], Offset.offset(comparison.bounds()[k]));
                }
                codes += cpuCoefficients.length;
                differing += comparison.differing();
                double[] bounds = ScmPayloads.throughDecoding(output, comparison.bounds(), count);
                for (int p = 0; p < count; p++) {
                    for (int o : output.outliers()) {
                        bounds[p * y.width() + o] = shard[p * y.width() + o]; // sent exactly: only the shard differs
                    }
                }
                for (int k = 0; k < fromCpu.length; k++) {
                    assertThat((double) fromGpu[k]).as("%s window at %d, value %d of position %d", name, position, k % y.width(),
                            k / y.width()).isCloseTo(fromCpu[k], Offset.offset(bounds[k] + 2 * Math.ulp(fromCpu[k])));
                }
                position += count;
            }
            // a code differs only where a coefficient sits at a rounding boundary; the shards' differences make that likelier than
            // in GpuScmCodecTest, and scm16's steps are the finest
            assertThat(differing).as("%s codes that differ, of %d", name, codes).isLessThanOrEqualTo(1 + codes / 20);
            onCpu.close();
            onGpu.close();
        }
    }

    /** Per value of y, {@code ε_j}: how far the GPU node's shard output may be from the CPU node's. */
    private static double[] shardTolerance(HiddenStates y) {
        double[] tolerance = new double[y.values().length];
        Arrays.setAll(tolerance, k -> SHARD_TOLERANCE * Math.max(1, Math.abs(y.values()[k])));
        return tolerance;
    }

    /** Per coefficient, how far apart the two nodes' coefficients may be before coding: {@code e_i} of the class comment. */
    private static double[] beforeCoding(ScmBoundary boundary, HiddenStates y, double[] shard) {
        int positions = y.positions();
        int width = y.width();
        int rank = boundary.rank();
        float[] basis = boundary.basis();
        double[] scales = ScmPayloads.scales(boundary);
        double[] magnitudes = ScmPayloads.projectionMagnitudes(boundary, y);
        double[] before = new double[positions * rank];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < rank; i++) {
                double sum = 0;
                for (int j = 0; j < width; j++) {
                    sum += Math.abs(basis[i * width + j]) * shard[p * width + j];
                }
                before[p * rank + i] = sum / scales[i] + ScmPayloads.PRODUCT_TOLERANCE * magnitudes[p * rank + i];
            }
        }
        return before;
    }

    /** The gateway's codec, keeping the last payload it decoded: a node's reply, for the test to compare. */
    private static final class Recording extends ForwardingCodec {
        private byte[] last;

        Recording(HiddenStateCodec codec) {
            super(codec);
        }

        @Override
        public HiddenStates decode(byte[] bytes, int positions, int width, int boundary) {
            last = bytes.clone();
            return super.decode(bytes, positions, width, boundary);
        }
    }
}
