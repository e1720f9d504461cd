package org.farnode.app.privacy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The figures of one {@code far privacy-audit} run, as written to its {@code --out} JSON file:
 * for one model (its id, {@link org.farnode.app.model.ModelFingerprint}), per layer boundary,
 * codec and noise level, how much of the held-out prompts each attack recovered from what the
 * node at that boundary receives. The desktop app reads it to show the figure for its own position.
 *
 * @param model       the model id (SHA-256 of the file, hex)
 * @param modelFile   the model file's name, for people
 * @param text        the held-out text the attacks were measured on
 * @param trainText   the text the learned decoder was trained on
 * @param prompts     how the held-out text was cut into prompts
 * @param promptCount prompts attacked
 * @param positions   text positions attacked (BOS not counted)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditResults(String model, String modelFile, String text, String trainText, String prompts, int promptCount, long positions,
                           List<Result> results) {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditResults.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // a newer version's fields do not stop an older reader

    public AuditResults {
        Objects.requireNonNull(model, "model");
        results = List.copyOf(Objects.requireNonNull(results, "results"));
    }

    /**
     * One boundary, codec and noise level. Rates are shares in [0, 1]: of text positions whose
     * token the attack named exactly, and of prompts it named entirely.
     *
     * @param noiseStd        the gateway's noise as a share of each vector's RMS (0: none)
     * @param learnedLambda   the ridge penalty chosen on held-back training text (a share of the average feature's sum of squares)
     * @param greedyAgreement with noise only: share of teacher-forced positions whose greedy next token the noise left unchanged
     * @param meanKl          with noise only: mean KL(clean ‖ noisy) of the next-token distributions, in nats
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int boundary, String codec, double noiseStd, double vocabularyMatchingTokenRate, double vocabularyMatchingPromptRate,
                         double learnedTokenRate, double learnedPromptRate, double learnedLambda, Double greedyAgreement, Double meanKl) {
    }

    /**
     * The results in {@code file}; empty when there is no such file, or it cannot be read as
     * audit results (logged: a broken file should not stop the app that only shows a figure).
     */
    public static Optional<AuditResults> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), AuditResults.class)); // a missing model or results list fails in the constructor
        } catch (JacksonException e) {
            LOG.warn("{} is not readable as privacy audit results: {}", file, e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Writes these results to {@code file} as indented JSON. */
    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** The result without noise at {@code boundary} with {@code codec} (by name, any case): what an undefended hop exposes. */
    public Optional<Result> find(int boundary, String codec) {
        return find(boundary, codec, 0);
    }

    /** The result at {@code boundary} with {@code codec} and the gateway's noise {@code noiseStd}. */
    public Optional<Result> find(int boundary, String codec, double noiseStd) {
        return results.stream().filter(r -> r.boundary() == boundary && r.codec().equalsIgnoreCase(codec) && r.noiseStd() == noiseStd)
                .findFirst();
    }
}
