package org.farnode.app.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufMetadata;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.gguf.GgufValueType;
import org.farnode.app.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPT-2's byte-level BPE against reference ids made with Hugging Face tokenizers: llama.cpp's 46
 * test-tokenizer-0 cases with the vocab-only GGUF, and swift-transformers' GPT-2 files with the
 * tokenizer built from their {@code tokenizer.json} (which holds the same vocabulary and merges).
 */
class Gpt2ReferenceTest {
    private static final String DIR = LlamaCppVocabCases.DIR;
    private static final String GGUF = DIR + "llama.cpp/ggml-vocab-gpt-2.gguf";

    private static Tokenizer fromGguf;
    private static Tokenizer fromJson;

    @BeforeAll
    static void load() throws IOException {
        fromGguf = TokenizerLoader.fromGguf(SharedData.require(GGUF));
        fromJson = TokenizerLoader.fromGguf(new GgufMetadata(metadataOfTokenizerJson()));
    }

    @Test
    void ggufIsReadAsGpt2() {
        assertThat(fromGguf).isInstanceOf(ByteLevelBpeTokenizer.class);
        ByteLevelBpeTokenizer bpe = (ByteLevelBpeTokenizer) fromGguf;
        assertThat(bpe.preTokenizer()).isEqualTo(BpePreTokenizer.GPT2);
        assertThat(bpe.skippedMerges()).isZero();
        assertThat(fromGguf.vocabularySize()).isEqualTo(50257);
        assertThat(fromGguf.bosId()).isEqualTo(50256);
        assertThat(fromGguf.eosId()).isEqualTo(50256);
        assertThat(fromGguf.addBosToken()).isFalse();
        assertThat(fromGguf.addEosToken()).isFalse();
        assertThat(fromGguf.piece(15496)).isEqualTo("Hello");
        assertThat(fromGguf.piece(995)).isEqualTo("Ġworld");
        assertThat(fromGguf.tokenType(50256)).isEqualTo(TokenType.CONTROL);
    }

    @Test
    void llamaCppCasesEncodeToReferenceIds() throws IOException {
        List<LlamaCppVocabCases.Case> cases = LlamaCppVocabCases.of("ggml-vocab-gpt-2");
        assertThat(cases).hasSize(46);
        for (Tokenizer tokenizer : List.of(fromGguf, fromJson)) {
            List<String> failures = LlamaCppVocabCases.mismatches(tokenizer, cases);
            assertThat(failures).as("%d of %d cases match", cases.size() - failures.size(), cases.size()).isEmpty();
        }
    }

    @Test
    void llamaCppReferenceIdsDecodeToInput() throws IOException {
        for (LlamaCppVocabCases.Case c : LlamaCppVocabCases.of("ggml-vocab-gpt-2")) {
            String what = LlamaCppVocabCases.quote(c.input());
            assertThat(fromGguf.decode(c.ids())).as(what).isEqualTo(c.input());
            assertThat(LlamaCppVocabCases.decodeStreaming(fromGguf, c.ids())).as(what).isEqualTo(c.input());
        }
    }

    @Test
    void tokenizerJsonHoldsTheGgufVocabularyAndMerges() throws IOException {
        Map<String, GgufValue> json = metadataOfTokenizerJson();
        try (GgufFile gguf = GgufFile.open(SharedData.require(GGUF))) {
            GgufMetadata stored = gguf.metadata();
            assertThat(new GgufMetadata(json).stringArray(TokenizerLoader.TOKENS_KEY))
                    .containsExactly(stored.stringArray(TokenizerLoader.TOKENS_KEY));
            assertThat(new GgufMetadata(json).stringArray(TokenizerLoader.MERGES_KEY))
                    .containsExactly(stored.stringArray(TokenizerLoader.MERGES_KEY));
        }
    }

    /** A French paragraph: the pre-tokenizer's words, the token pieces and the 221 ids all match. */
    @Test
    void swiftTransformersParagraph() throws IOException {
        JsonNode json = readJson("swift-transformers/gpt2_encoded_tokens.json");
        String text = json.get("text").asText();

        List<String> words = BpePreTokenizer.GPT2.split(text).stream().map(ByteUnicode::encode).toList();
        assertThat(words).isEqualTo(strings(json.get("encoded_text")));
        for (Tokenizer tokenizer : List.of(fromGguf, fromJson)) {
            int[] ids = tokenizer.encode(text);
            assertThat(ids).containsExactly(ints(json.get("token_ids")));
            assertThat(Arrays.stream(ids).mapToObj(tokenizer::piece).toList()).isEqualTo(strings(json.get("bpe_tokens")));
            assertThat(tokenizer.decode(ids)).isEqualTo(json.get("decoded_text").asText()).isEqualTo(text);
        }
    }

    /**
     * The 18 edge cases of distilgpt2 (GPT-2's tokenizer), encoded as a model's input: GPT-2 adds no
     * BOS. One case needs Unicode whitespace: a no-break space is whitespace to the split. Decoding
     * gives the input back; Hugging Face's own decoded text differs in one case only because it also
     * removes the space before "!" (its clean_up_tokenization_spaces).
     */
    @Test
    void swiftTransformersEdgeCases() throws IOException {
        JsonNode cases = readJson("swift-transformers/tokenizer_tests.json").get("distilgpt2");
        assertThat(cases.size()).isEqualTo(18);
        for (Tokenizer tokenizer : List.of(fromGguf, fromJson)) {
            List<String> failures = new ArrayList<>();
            for (JsonNode c : cases) {
                String input = c.get("input").asText();
                int[] expected = ints(c.get("encoded").get("input_ids"));
                int[] actual = tokenizer.encodeAsModelInput(input);
                if (!Arrays.equals(actual, expected)) {
                    failures.add(LlamaCppVocabCases.quote(input) + ": expected " + Arrays.toString(expected)
                            + " but got " + Arrays.toString(actual));
                }
                assertThat(tokenizer.decode(expected)).as(LlamaCppVocabCases.quote(input)).isEqualTo(input);
            }
            assertThat(failures).as("%d of 18 cases match", 18 - failures.size()).isEmpty();
        }
    }

    /**
     * GGUF-style metadata for the Hugging Face {@code tokenizer.json} of GPT-2: its vocabulary in id
     * order, its merges, its added token as a control token, and the GPT-2 split.
     */
    private static Map<String, GgufValue> metadataOfTokenizerJson() throws IOException {
        JsonNode json = readJson("swift-transformers/gpt2_tokenizer.json");
        JsonNode model = json.get("model");
        assertThat(model.get("type").asText()).isEqualTo("BPE");
        assertThat(json.get("pre_tokenizer").get("type").asText()).isEqualTo("ByteLevel");
        JsonNode vocab = model.get("vocab");
        String[] pieces = new String[vocab.size()];
        vocab.properties().forEach(entry -> pieces[entry.getValue().asInt()] = entry.getKey());
        List<Integer> types = new ArrayList<>(Arrays.stream(pieces).map(p -> TokenType.NORMAL.code()).toList());
        int endOfText = -1;
        for (JsonNode added : json.get("added_tokens")) {
            int id = added.get("id").asInt();
            pieces[id] = added.get("content").asText();
            types.set(id, added.get("special").asBoolean() ? TokenType.CONTROL.code() : TokenType.USER_DEFINED.code());
            endOfText = "<|endoftext|>".equals(pieces[id]) ? id : endOfText;
        }
        List<String> merges = new ArrayList<>();
        model.get("merges").forEach(m -> merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText()));

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put(TokenizerLoader.MODEL_KEY, GgufValue.string("gpt2"));
        metadata.put(TokenizerLoader.PRE_KEY, GgufValue.string("gpt-2"));
        metadata.put(TokenizerLoader.TOKENS_KEY, GgufValue.array(GgufValueType.STRING, Arrays.asList(pieces)));
        metadata.put(TokenizerLoader.TOKEN_TYPE_KEY, GgufValue.array(GgufValueType.INT32, types));
        metadata.put(TokenizerLoader.MERGES_KEY, GgufValue.array(GgufValueType.STRING, merges));
        metadata.put(TokenizerLoader.BOS_KEY, GgufValue.uint32(endOfText));
        metadata.put(TokenizerLoader.EOS_KEY, GgufValue.uint32(endOfText));
        return metadata;
    }

    static JsonNode readJson(String relative) throws IOException {
        return new ObjectMapper().readTree(SharedData.require(DIR + relative).toFile());
    }

    static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
