package org.farnode.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.svs.BoundaryRecorder;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vocabulary-matching attack on stories260K's real hidden states. Exact states (fp32) are
 * recovered exactly: the attack recomputes them with the same kernels, which give the same bits
 * for a position alone as inside a window (CpuOps' determinism), so the true token's distance is 0
 * and no other token's is (no two embedding rows are equal).
 */
class VocabularyMatchingTest {
    private static final String TEXT = "Once upon a time, there was a little girl named Mia. She had a red ball.";
    private static LoadedModel model;
    private static CpuOps ops;
    private static int[] tokens;
    /** The exact states of {@link #TEXT} at every boundary 0..5. */
    private static final List<HiddenStates> exact = new ArrayList<>();

    @BeforeAll
    static void record() throws Exception {
        model = LoadedModel.open(Stories260K.gguf(), null);
        ops = new CpuOps(1);
        tokens = model.tokenizer().encodeWithBos(TEXT);
        BoundaryRecorder recorder = new BoundaryRecorder(model.weights(), ops);
        for (int b = 0; b <= recorder.layerCount(); b++) {
            exact.add(null);
        }
        recorder.record(tokens, tokens.length, (boundary, states) -> exact.set(boundary, states));
    }

    @AfterAll
    static void close() throws Exception {
        ops.close();
        model.close();
    }

    @Test
    void atBoundaryZeroEveryTokenIsRecoveredFromExactAndHalfPrecisionEmbeddings() {
        VocabularyMatching attack = new VocabularyMatching(model.weights(), ops, 0);
        assertThat(attack.recover(new HopSetting(new Fp32Codec(), 0).received(exact.get(0), 0, 1))).containsExactly(tokens);
        assertThat(attack.recover(new HopSetting(new Fp16Codec(), 0).received(exact.get(0), 0, 1))).containsExactly(tokens);
    }

    @Test
    void atEveryBoundaryExactStatesGiveEveryTokenOfAShortText() {
        for (int b = 1; b < model.config().blockCount(); b++) {
            VocabularyMatching attack = new VocabularyMatching(model.weights(), ops, b);
            // the attack works from its own guesses; recovering every token means each step had the true prefix
            assertThat(attack.recover(exact.get(b))).as("boundary %d", b).containsExactly(tokens);
        }
    }

    @Test
    void attackingSeveralReceptionsAtOnceGivesWhatAttackingEachAloneGives() {
        int b = 2;
        VocabularyMatching attack = new VocabularyMatching(model.weights(), ops, b);
        // heavy noise makes some guesses wrong, so the receptions' prefixes part and need sessions of their own
        List<HiddenStates> receptions = List.of(exact.get(b), new HopSetting(new Fp32Codec(), 1.0).received(exact.get(b), b, 7),
                new HopSetting(new Fp32Codec(), 2.0).received(exact.get(b), b, 8), new HopSetting(new Fp16Codec(), 0).received(exact.get(b), b, 9));
        List<int[]> together = attack.recover(receptions);
        for (int r = 0; r < receptions.size(); r++) {
            assertThat(together.get(r)).as("reception %d", r).containsExactly(attack.recover(receptions.get(r)));
        }
        assertThat(together.get(1)).as("noise 1.0 changes some guesses").isNotEqualTo(tokens);
    }

    @Test
    void theBoundaryMustBeOneANodeReceives() {
        assertThatThrownBy(() -> new VocabularyMatching(model.weights(), ops, 5)).hasMessageContaining("boundaries 0 to 4, not 5");
    }
}
