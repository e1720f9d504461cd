package org.farnode.app.hub;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which files of a repository one pull fetches: the file named, else the repository's only GGUF,
 * else (a Transformers-style model) the config, tokenizer and safetensors weights at its top level,
 * which together form a folder model.
 */
public record PullPlan(List<HubFile> files, boolean folder) {
    private static final Set<String> FOLDER_MODEL_FILES = Set.of("config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "model.safetensors.index.json");

    public PullPlan {
        files = List.copyOf(files);
        assert !files.isEmpty();
    }

    public static PullPlan choose(ModelReference reference, List<HubFile> listing) throws HubException {
        if (reference.file().isPresent()) {
            String wanted = reference.file().get();
            HubFile file = listing.stream().filter(f -> f.path().equals(wanted)).findFirst()
                    .orElseThrow(() -> noSuchFile(reference.repo(), wanted, listing));
            return new PullPlan(List.of(file), false);
        }
        List<HubFile> ggufs = listing.stream().filter(HubFile::isGguf).toList();
        if (ggufs.size() == 1) {
            return new PullPlan(ggufs, false);
        }
        if (ggufs.size() > 1) {
            throw new ModelChoiceNeeded(reference.repo(), ggufs);
        }
        List<HubFile> folderModel = listing.stream().filter(HubFile::atTopLevel)
                .filter(f -> FOLDER_MODEL_FILES.contains(f.path()) || f.path().endsWith(".safetensors")).toList();
        boolean hasConfig = folderModel.stream().anyMatch(f -> f.path().equals("config.json"));
        boolean hasWeights = folderModel.stream().anyMatch(f -> f.path().endsWith(".safetensors"));
        if (hasConfig && hasWeights) {
            return new PullPlan(folderModel, true);
        }
        throw new HubException(reference.repo() + " has no .gguf file and no config.json with .safetensors weights");
    }

    private static HubException noSuchFile(String repo, String wanted, List<HubFile> listing) {
        List<HubFile> ggufs = listing.stream().filter(HubFile::isGguf).toList();
        String hint = ggufs.isEmpty() ? "" : " (its GGUF files: " + ggufs.stream().map(HubFile::path).collect(Collectors.joining(", ")) + ")";
        return new HubException("file " + wanted + " not found in " + repo + hint);
    }
}
