package org.farnode.app.hub;

import java.util.List;

/** A repository holds several GGUF files and the user named none: they must choose (the candidates come with it). */
public final class ModelChoiceNeeded extends HubException {
    private final transient List<HubFile> candidates;

    ModelChoiceNeeded(String repo, List<HubFile> candidates) {
        super(repo + " has " + candidates.size() + " GGUF files; name one: far model pull " + repo + "/FILE");
        this.candidates = List.copyOf(candidates);
    }

    public List<HubFile> candidates() {
        return candidates;
    }
}
