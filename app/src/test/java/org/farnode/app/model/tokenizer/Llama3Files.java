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
public final class Llama3Files {
    public static final int BEGIN_OF_TEXT = 128000;
    public static final int END_OF_TEXT = 128001;
    public static final int START_HEADER_ID = 128006;
    public static final int END_HEADER_ID = 128007;
    public static final int EOT_ID = 128009;
    /** Llama 3's full vocabulary: 128,000 BPE tokens and 256 special ones. */
    public static final int VOCABULARY_WITH_SPECIALS = 128256;
    private static final String DIR = LlamaCppVocabCases.DIR + "ollama/llama3.2/";

    private Llama3Files() {
    }

    static Tokenizer tokenizer() throws IOException {
        return tokenizer(END_OF_TEXT + 1);
    }

    /**
     * As {@link #tokenizer()}, with all 256 special tokens of a Llama 3.1/3.2 GGUF as control tokens:
     * {@code <|start_header_id|>} 128006, {@code <|end_header_id|>} 128007, {@code <|eom_id|>} 128008,
     * {@code <|eot_id|>} 128009 and the reserved ones.
     */
    public static Tokenizer tokenizerWithSpecials() throws IOException {
        return tokenizer(VOCABULARY_WITH_SPECIALS);
    }

    private static Tokenizer tokenizer(int size) throws IOException {
        JsonNode encoder = new ObjectMapper().readTree(SharedData.require(DIR + "encoder.json").toFile());
        String[] pieces = new String[size];
        encoder.properties().forEach(entry -> pieces[entry.getValue().asInt()] = entry.getKey());
        List<String> named = List.of("<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
                "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>",
                "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>");
        for (int id = BEGIN_OF_TEXT; id < size; id++) {
            int special = id - BEGIN_OF_TEXT;
            pieces[id] = special < named.size() ? named.get(special)
                    : "<|reserved_special_token_" + (special - named.size() + 3) + "|>";
        }
        List<Integer> types = new ArrayList<>(Arrays.stream(pieces).map(p -> 1).toList());
        for (int id = BEGIN_OF_TEXT; id < size; id++) {
            types.set(id, TokenType.CONTROL.code());
        }
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
