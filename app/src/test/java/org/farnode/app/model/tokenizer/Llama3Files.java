package org.farnode.app.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.farnode.app.model.gguf.GgufMetadata;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.gguf.GgufValueType;
import org.farnode.app.testing.SharedData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Llama 3 tokenizer built from ollama's Llama 3.2 {@code encoder.json} (128,000 tokens) and
 * {@code vocab.bpe} (merges) in the shared test data, through the same GGUF metadata path a Llama 3
 * model file takes ({@code tokenizer.ggml.pre = "llama-bpe"}). The files hold no special tokens; only
 * {@code <|begin_of_text|>} (128000) and {@code <|end_of_text|>} (128001) are added, as control tokens.
 */
final class Llama3Files {
    static final int BEGIN_OF_TEXT = 128000;
    static final int END_OF_TEXT = 128001;
    private static final String DIR = LlamaCppVocabCases.DIR + "ollama/llama3.2/";

    private Llama3Files() {
    }

    static Tokenizer tokenizer() throws IOException {
        JsonNode encoder = new ObjectMapper().readTree(SharedData.require(DIR + "encoder.json").toFile());
        String[] pieces = new String[END_OF_TEXT + 1];
        encoder.properties().forEach(entry -> pieces[entry.getValue().asInt()] = entry.getKey());
        pieces[BEGIN_OF_TEXT] = "<|begin_of_text|>";
        pieces[END_OF_TEXT] = "<|end_of_text|>";
        List<Integer> types = new ArrayList<>(Arrays.stream(pieces).map(p -> 1).toList());
        types.set(BEGIN_OF_TEXT, TokenType.CONTROL.code());
        types.set(END_OF_TEXT, TokenType.CONTROL.code());
        // Lines that start with '#' are real merges (such as "# #"); only empty lines are not.
        List<String> merges = Files.readAllLines(SharedData.require(DIR + "vocab.bpe"), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isEmpty()).toList();

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put(TokenizerLoader.MODEL_KEY, GgufValue.string("gpt2"));
        metadata.put(TokenizerLoader.PRE_KEY, GgufValue.string("llama-bpe"));
        metadata.put(TokenizerLoader.TOKENS_KEY, GgufValue.array(GgufValueType.STRING, Arrays.asList(pieces)));
        metadata.put(TokenizerLoader.TOKEN_TYPE_KEY, GgufValue.array(GgufValueType.INT32, types));
        metadata.put(TokenizerLoader.MERGES_KEY, GgufValue.array(GgufValueType.STRING, merges));
        metadata.put(TokenizerLoader.BOS_KEY, GgufValue.uint32(BEGIN_OF_TEXT));
        metadata.put(TokenizerLoader.EOS_KEY, GgufValue.uint32(END_OF_TEXT));
        return TokenizerLoader.fromGguf(new GgufMetadata(metadata));
    }
}
