package org.farnode.app.cli;

import org.farnode.app.model.tokenizer.Tokenizer;
import org.farnode.app.model.tokenizer.TokenizerLoader;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code --model} option of commands that need only a model's tokenizer. Only the GGUF metadata
 * is read, so a vocab-only GGUF (no tensors) works as well as a full model.
 */
final class TokenizerFileOption {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "GGUF model file, or a vocab-only GGUF; only its tokenizer is read.")
    Path model;

    Tokenizer open() throws IOException {
        return TokenizerLoader.fromGguf(model);
    }
}
