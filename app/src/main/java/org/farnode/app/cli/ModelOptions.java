package org.farnode.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.farnode.app.model.LoadedModel;
import picocli.CommandLine.Option;

/** The options that name a model, shared by every command that loads one. */
final class ModelOptions {

    @Option(names = "--model", required = true, description = "GGUF model file, or llama2.c checkpoint (.bin) with --tokenizer.")
    Path model;

    @Option(names = "--tokenizer", description = "llama2.c tokenizer.bin (only for llama2.c checkpoints).")
    Path tokenizer;

    LoadedModel open() throws IOException {
        return LoadedModel.open(model, tokenizer);
    }
}
