package org.farnode.app.cli;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.speculative.DraftModelDrafter;
import org.farnode.app.speculative.Speculation;
import org.farnode.backend.Backend;

/**
 * The speculation {@code --speculate} names, set up for one generation, with what it opened: a
 * draft model's session and, when the draft model is a file other than the target's, that file.
 * Closing it releases both.
 */
final class OpenedSpeculation implements AutoCloseable {
    private final Speculation speculation;
    private final DraftModelDrafter drafter;
    private final LoadedModel draftFile;

    private OpenedSpeculation(Speculation speculation, DraftModelDrafter drafter, LoadedModel draftFile) {
        this.speculation = speculation;
        this.drafter = drafter;
        this.draftFile = draftFile;
    }

    /** Plain decoding: no speculation. */
    static OpenedSpeculation none() {
        return new OpenedSpeculation(null, null, null);
    }

    static OpenedSpeculation promptLookup(int maxDraft) {
        return new OpenedSpeculation(Speculation.promptLookup(maxDraft), null, null);
    }

    /**
     * A draft model on {@code backend}: the first {@code layers} layers (null: all) and the head of
     * {@code file} (null: the target's own, already open); with {@code lookupFirst}, prompt lookup
     * drafts wherever it finds a match of 2 or more tokens and the draft model elsewhere.
     */
    static OpenedSpeculation draftModel(LoadedModel target, Path file, Integer layers, Backend backend, SamplingSettings sampling,
                                        int maxDraft, boolean lookupFirst) throws Exception {
        LoadedModel draft = file == null ? target : LoadedModel.open(file, null);
        try {
            int layerCount = layers != null ? layers : draft.config().blockCount();
            // A stream split from the sampler's seed: the drafter's draws must be independent of the
            // ones that accept or reject its tokens, which a second generator on the same seed would repeat.
            DraftModelDrafter drafter = new DraftModelDrafter(draft, target.tokenizer(), layerCount, backend, sampling,
                    new SplittableRandom(sampling.seed()).split());
            Speculation speculation = lookupFirst ? Speculation.promptLookupThenDraftModel(drafter, maxDraft)
                    : Speculation.draftModel(drafter, maxDraft);
            return new OpenedSpeculation(speculation, drafter, draft == target ? null : draft);
        } catch (RuntimeException e) {
            if (draft != target) {
                draft.close();
            }
            throw e;
        }
    }

    /** The speculation to generate with; null for plain decoding. */
    Speculation speculation() {
        return speculation;
    }

    @Override
    public void close() throws Exception {
        if (drafter != null) {
            drafter.close();
        }
        if (draftFile != null) {
            draftFile.close();
        }
    }
}
