package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's privacy figure comes from the audit of this very model, for this boundary and codec, or not at all. */
class PrivacyFigureTest {
    /** The repository's audits (the app module's tests run in app/). */
    private static final Path AUDITS = Path.of("..", "assets", "privacy");

    @TempDir
    Path folder;

    @Test
    void theRepositorysAuditOfStories260KGivesEachBoundarysFigure() throws Exception {
        ModelId model = ModelFingerprint.of(Stories260K.gguf());
        var first = PrivacyFigure.find(model, Stories260K.gguf(), List.of(AUDITS), 0, "fp16").orElseThrow();
        assertThat(first.vocabularyTokenRate()).isEqualTo(1.0);
        assertThat(first.learnedTokenRate()).isBetween(0.5, 1.0);
        assertThat(first.sentence()).startsWith("an operator at this position could recover about 100% of prompt tokens")
                .contains("fp16 at boundary 0").contains("stories260K.json");
        assertThat(PrivacyFigure.find(model, Stories260K.gguf(), List.of(AUDITS), 3, "int8")).get()
                .extracting(PrivacyFigure::boundary).isEqualTo(3);
        assertThat(PrivacyFigure.find(model, Stories260K.gguf(), List.of(AUDITS), 3, "fp32")).as("a codec not audited").isEmpty();
    }

    @Test
    void anAuditOfAnotherModelIsNeverUsed() throws Exception {
        Path otherModel = Files.writeString(folder.resolve("other.gguf"), "GGUF not really");
        ModelId other = ModelFingerprint.of(otherModel);
        assertThat(PrivacyFigure.find(other, otherModel, List.of(AUDITS), 0, "fp16")).isEmpty();
        assertThat(PrivacyFigure.find(other, otherModel, List.of(folder.resolve("missing")), 0, "fp16")).isEmpty();
    }

    @Test
    void anAuditBesideTheModelIsFound() throws Exception {
        Path model = Files.copy(Stories260K.gguf(), folder.resolve("copy.gguf"));
        Files.copy(AUDITS.resolve("stories260K.json"), folder.resolve("copy.gguf.privacy.json"));
        var figure = PrivacyFigure.find(ModelFingerprint.of(model), model, List.of(), 4, "scm8").orElseThrow();
        assertThat(figure.source().getFileName().toString()).isEqualTo("copy.gguf.privacy.json");
    }
}
