package org.farnode.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.svs.CodecEvaluation;
import org.farnode.app.svs.TextSequences;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A small audit of stories260K end to end, and the noise's cost, on the real model. */
class PrivacyAuditTest {
    private static final String HELD_OUT = """
            Tom liked to build towers with his blocks. He made a tall tower in his room.

            There was a small cat who lived on a farm. The cat was very curious.
            """;
    private static LoadedModel model;
    private static Backend backend;
    private static List<int[]> training;

    @BeforeAll
    static void open() throws Exception {
        model = LoadedModel.open(Stories260K.gguf(), null);
        backend = Backend.cpu(2);
        String calibration = Files.readString(FarProcess.launcher().getParent().resolve("assets/svs/calibration.txt"));
        training = TextSequences.of(model.tokenizer(), calibration, model.config().contextLength()).subList(0, 10);
    }

    @AfterAll
    static void close() throws Exception {
        backend.close();
        model.close();
    }

    @Test
    void exactStatesGiveEveryPromptToVocabularyMatchingAndNoiseRowsCarryTheirQualityCost() throws Exception {
        AuditPrompts prompts = AuditPrompts.of(model.tokenizer(), HELD_OUT, 12, 1000);
        List<int[]> quality = TextSequences.of(model.tokenizer(), HELD_OUT, model.config().contextLength());
        PrivacyAudit audit = new PrivacyAudit(model.weights(), 2, prompts, training, quality, line -> { });
        List<PrivacyAudit.Condition> conditions = List.of(new PrivacyAudit.Condition(0, new HopSetting(new Fp16Codec(), 0)),
                new PrivacyAudit.Condition(2, new HopSetting(new Fp32Codec(), 0)),
                new PrivacyAudit.Condition(2, new HopSetting(new Fp32Codec(), 1.0)));
        List<AuditResults.Result> results = audit.run(conditions);

        assertThat(results).extracting(AuditResults.Result::boundary).containsExactly(0, 2, 2);
        assertThat(results).extracting(AuditResults.Result::codec).containsExactly("fp16", "fp32", "fp32");
        for (AuditResults.Result clean : results.subList(0, 2)) {
            assertThat(clean.vocabularyMatchingTokenRate()).isEqualTo(1.0);
            assertThat(clean.vocabularyMatchingPromptRate()).isEqualTo(1.0);
            assertThat(clean.greedyAgreement()).isNull();
            assertThat(clean.meanKl()).isNull();
        }
        assertThat(results).allSatisfy(r -> assertThat(LearnedInversion.LAMBDAS).contains(r.learnedLambda()));
        AuditResults.Result noisy = results.get(2);
        assertThat(noisy.noiseStd()).isEqualTo(1.0);
        assertThat(noisy.greedyAgreement()).isLessThan(1.0);
        assertThat(noisy.meanKl()).isPositive();
    }

    @Test
    void noNoiseCostsNothingAndNoiseAsLargeAsTheStatesCostsAgreement() {
        List<int[]> quality = TextSequences.of(model.tokenizer(), HELD_OUT, model.config().contextLength());
        NoiseCost cost = new NoiseCost(model.weights(), backend.ops(), 3);
        CodecEvaluation.Tally none = cost.measure(quality, new Fp16Codec(), 0, 1);
        assertThat(none.agreement()).isEqualTo(1.0);
        assertThat(none.meanKl()).isZero();
        assertThat(none.compared()).isEqualTo(TextSequences.tokens(quality));
        CodecEvaluation.Tally loud = cost.measure(quality, new Fp16Codec(), 1.0, 1);
        assertThat(loud.agreement()).isLessThan(0.95);
        assertThat(loud.meanKl()).isGreaterThan(0.01);
    }
}
