package org.farnode.app.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code far model pull}: lists the repository, picks the files (see {@link PullPlan}), and
 * fetches each one that is not already on disk into {@code modelsFolder/owner/name/FILE}.
 */
public final class ModelPull {
    private final HubClient hub;
    private final Path modelsFolder;
    private final PullListener listener;

    public ModelPull(HubClient hub, Path modelsFolder, PullListener listener) {
        this.hub = hub;
        this.modelsFolder = modelsFolder;
        this.listener = listener;
    }

    /** The downloaded model: the GGUF file, or the repository's folder for a folder model. */
    public Path pull(ModelReference reference, String revision) throws IOException {
        List<HubFile> listing = hub.listFiles(reference.repo(), revision);
        PullPlan plan = PullPlan.choose(reference, listing);
        Path repoFolder = modelsFolder.resolve(reference.owner()).resolve(reference.name());
        FileDownload download = new FileDownload(hub, reference.repo(), revision, listener);
        Path last = repoFolder;
        for (HubFile file : plan.files()) {
            last = repoFolder.resolve(file.path());
            if (isAlreadyPresent(file, last)) {
                listener.alreadyPresent(file, last);
            } else {
                download.fetch(file, last);
            }
        }
        return plan.folder() ? repoFolder : last;
    }

    private boolean isAlreadyPresent(HubFile file, Path target) throws IOException {
        if (!Files.isRegularFile(target) || Files.size(target) != file.size()) {
            return false;
        }
        listener.verifying(file);
        return file.checksum().computeFor(target).equals(file.checksum().hex());
    }
}
