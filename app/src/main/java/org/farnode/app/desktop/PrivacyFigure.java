package org.farnode.app.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.farnode.app.privacy.AuditResults;
import org.farnode.app.protocol.ModelId;

/**
 * What an operator at this node's position could recover of users' prompts, as {@code far
 * privacy-audit} measured it for this model, boundary and codec. Found in audit results beside
 * the model ({@code MODEL.gguf.privacy.json}) or in a folder of audits (the repository's
 * {@code assets/privacy}), matched by model id, never guessed.
 *
 * @param boundary           the layer boundary this node receives
 * @param codec              the codec of what it receives
 * @param vocabularyTokenRate share of prompt tokens the vocabulary-matching attack recovered
 * @param learnedTokenRate   share a learned linear decoder recovered
 * @param promptRate         share of whole prompts the stronger attack recovered entirely
 * @param source             the results file
 */
public record PrivacyFigure(int boundary, String codec, double vocabularyTokenRate, double learnedTokenRate, double promptRate,
                            Path source) {

    /** The figure for {@code boundary} and {@code codec} of the model {@code model} at {@code modelFile}; empty when no audit covers it. */
    public static Optional<PrivacyFigure> find(ModelId model, Path modelFile, List<Path> auditFolders, int boundary, String codec) {
        for (Path file : candidates(modelFile, auditFolders)) {
            Optional<AuditResults> audit = AuditResults.read(file).filter(a -> a.model().equalsIgnoreCase(model.hex()));
            Optional<AuditResults.Result> result = audit.flatMap(a -> a.find(boundary, codec));
            if (result.isPresent()) {
                var r = result.get();
                boolean vocabularyStronger = r.vocabularyMatchingTokenRate() >= r.learnedTokenRate();
                return Optional.of(new PrivacyFigure(boundary, codec, r.vocabularyMatchingTokenRate(), r.learnedTokenRate(),
                        vocabularyStronger ? r.vocabularyMatchingPromptRate() : r.learnedPromptRate(), file));
            }
        }
        return Optional.empty();
    }

    private static List<Path> candidates(Path modelFile, List<Path> auditFolders) {
        List<Path> files = new ArrayList<>();
        files.add(modelFile.resolveSibling(modelFile.getFileName() + ".privacy.json"));
        for (Path folder : auditFolders) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> listed = Files.list(folder)) {
                    listed.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
                } catch (IOException e) {
                    // an unreadable folder holds no figure; the panel then says the figure is not measured
                }
            }
        }
        return files;
    }

    /** The figure in plain words, as the dashboard shows it. */
    public String sentence() {
        return String.format(Locale.ROOT, "an operator at this position could recover about %.0f%% of prompt tokens from what it "
                        + "receives (%s at boundary %d: %.0f%% by trying every vocabulary token with the public weights, %.0f%% "
                        + "with a learned linear decoder; %.0f%% of whole prompts), measured by far privacy-audit (%s)",
                100 * Math.max(vocabularyTokenRate, learnedTokenRate), codec, boundary, 100 * vocabularyTokenRate,
                100 * learnedTokenRate, 100 * promptRate, source.getFileName());
    }
}
