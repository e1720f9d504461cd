package org.farnode.app.model;

import org.farnode.app.model.chat.PromptFormat;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufFormatException;
import org.farnode.app.model.tokenizer.Tokenizer;
import org.farnode.app.model.tokenizer.TokenizerLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A model opened from disk: weights (views of the mapped file), its tokenizer, and the mapping
 * that must stay open while they are used.
 */
public final class LoadedModel implements AutoCloseable {
    private final Path path;
    private final String format;
    private final LlamaWeights weights;
    private final Tokenizer tokenizer;
    private final Optional<String> chatTemplate;
    private final AutoCloseable mapping;

    private LoadedModel(Path path, String format, LlamaWeights weights, Tokenizer tokenizer, Optional<String> chatTemplate,
                        AutoCloseable mapping) {
        this.path = path;
        this.format = format;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.mapping = mapping;
    }

    /**
     * Opens a GGUF file, or a llama2.c checkpoint together with its {@code tokenizer.bin}
     * ({@code tokenizerFile} is required for llama2.c and must be null for GGUF, which carries its own).
     */
    public static LoadedModel open(Path modelFile, Path tokenizerFile) throws IOException {
        if (!Files.isRegularFile(modelFile)) {
            throw new NoSuchFileException(modelFile.toString(), null,
                    Files.exists(modelFile) ? "not a regular file" : "model file not found");
        }
        if (startsWithGgufMagic(modelFile)) {
            if (tokenizerFile != null) {
                throw new ModelLoadException("a GGUF model carries its own tokenizer; --tokenizer is only for llama2.c checkpoints");
            }
            GgufFile file = GgufFile.open(modelFile);
            try {
                return new LoadedModel(modelFile, "GGUF v" + file.version(), GgufLlamaWeights.weights(file),
                        TokenizerLoader.fromGguf(file.metadata()), file.metadata().optionalString(PromptFormat.TEMPLATE_KEY),
                        file);
            } catch (RuntimeException e) {
                file.close();
                throw e;
            }
        }
        if (tokenizerFile == null) {
            throw new GgufFormatException(modelFile + " is not a GGUF file; for a llama2.c checkpoint (.bin) also give its tokenizer (--tokenizer tokenizer.bin)");
        }
        Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(modelFile);
        try {
            Tokenizer tokenizer = TokenizerLoader.fromLlama2c(tokenizerFile);
            if (tokenizer.vocabularySize() != checkpoint.weights().config().vocabularySize()) {
                throw new ModelLoadException("tokenizer " + tokenizerFile + " has " + tokenizer.vocabularySize()
                        + " tokens but the checkpoint's vocabulary is " + checkpoint.weights().config().vocabularySize());
            }
            return new LoadedModel(modelFile, "llama2.c checkpoint", checkpoint.weights(), tokenizer, Optional.empty(),
                    checkpoint);
        } catch (RuntimeException | IOException e) {
            checkpoint.close();
            throw e;
        }
    }

    private static boolean startsWithGgufMagic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), new byte[]{'G', 'G', 'U', 'F'});
        }
    }

    public Path path() {
        return path;
    }

    public String format() {
        return format;
    }

    public LlamaWeights weights() {
        return weights;
    }

    public ModelConfig config() {
        return weights.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The chat template source ({@code tokenizer.chat_template}); empty for a file without one and for llama2.c. */
    public Optional<String> chatTemplate() {
        return chatTemplate;
    }

    /** How prompts for this model are written: chat in its template's format, or plain completion. */
    public PromptFormat promptFormat() {
        return PromptFormat.of(chatTemplate);
    }

    @Override
    public void close() throws Exception {
        mapping.close();
    }
}
