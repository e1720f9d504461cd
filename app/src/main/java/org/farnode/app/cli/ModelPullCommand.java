package org.farnode.app.cli;

import org.farnode.app.hub.HubClient;
import org.farnode.app.hub.HubFile;
import org.farnode.app.hub.ModelChoiceNeeded;
import org.farnode.app.hub.ModelPull;
import org.farnode.app.hub.ModelReference;
import org.farnode.app.settings.AppDataFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code far model pull}: downloads a model from the Hugging Face Hub into
 * {@code DIR/owner/name/}, resuming an interrupted transfer and verifying the hub's digest, and
 * prints where it went. Several GGUF files and none named: exit 2 with the list to choose from.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a model from the Hugging Face Hub (resumes interrupted downloads, verifies the sha256).")
final class ModelPullCommand implements Callable<Integer> {
    static final int EXIT_CHOOSE_A_FILE = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO[/FILE]",
            description = "owner/name of a hub repository, optionally /FILE in it (e.g. bartowski/Llama-3.2-1B-Instruct-GGUF/"
                    + "Llama-3.2-1B-Instruct-Q4_K_M.gguf). Without FILE: the repository's only .gguf, or a safetensors model's folder.")
    String model;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Folder for models, which go to DIR/owner/name/ (default: the 'models' folder in the app's data folder).")
    Path dir;

    @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The hub's address (default: $HF_ENDPOINT, else https://huggingface.co).")
    String endpoint;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Hugging Face access token, for gated or private models (default: $HF_TOKEN).")
    String token;

    @Override
    public Integer call() throws Exception {
        ModelReference reference = ModelReference.parse(model);
        HubClient hub = new HubClient(URI.create(firstSet(endpoint, System.getenv("HF_ENDPOINT"))
                .orElse(HubClient.DEFAULT_ENDPOINT.toString())), firstSet(token, System.getenv("HF_TOKEN")));
        Path modelsFolder = dir != null ? dir : AppDataFolder.current().resolve("models");
        PrintWriter err = spec.commandLine().getErr();
        PullProgress progress = new PullProgress(err, PullProgress.onTerminal(), System::nanoTime);
        try {
            Path pulled = new ModelPull(hub, modelsFolder, progress).pull(reference, revision);
            progress.finish();
            spec.commandLine().getOut().println(pulled);
            return 0;
        } catch (ModelChoiceNeeded choice) {
            progress.finish();
            err.println("far: error: " + choice.getMessage());
            int width = choice.candidates().stream().mapToInt(c -> c.path().length()).max().orElse(0);
            for (HubFile candidate : choice.candidates()) {
                err.printf("  %-" + width + "s  %9s%n", candidate.path(), ProgressLine.bytes(candidate.size()));
            }
            return EXIT_CHOOSE_A_FILE;
        } finally {
            progress.finish();
        }
    }

    private static Optional<String> firstSet(String option, String environment) {
        if (option != null && !option.isBlank()) {
            return Optional.of(option);
        }
        return Optional.ofNullable(environment).filter(e -> !e.isBlank());
    }
}
