package org.farnode.app.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Llama 3's byte-level BPE ({@code tokenizer.ggml.pre = "llama-bpe"}), built from ollama's Llama 3.2
 * files ({@link Llama3Files}: the same vocabulary as Llama 3), against llama.cpp's 46
 * test-tokenizer-0 cases (made with Meta-Llama-3-8B, no BOS) and swift-transformers' Llama 3.2 files
 * (with BOS).
 */
class Llama3ReferenceTest {
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Llama3Files.tokenizer();
    }

    @Test
    void vocabularyIsLlama3() {
        ByteLevelBpeTokenizer bpe = (ByteLevelBpeTokenizer) tokenizer;
        assertThat(bpe.preTokenizer()).isEqualTo(BpePreTokenizer.LLAMA3);
        assertThat(bpe.skippedMerges()).isZero();
        assertThat(tokenizer.addBosToken()).as("Llama 3 prompts start with BOS").isTrue();
        assertThat(tokenizer.bosId()).isEqualTo(Llama3Files.BEGIN_OF_TEXT);
    }

    /** Includes {@code "Cửa Việt"}, which needs the whole-word rule: merging alone does not rebuild "ệt". */
    @Test
    void llamaCppCasesEncodeToReferenceIds() throws IOException {
        List<LlamaCppVocabCases.Case> cases = LlamaCppVocabCases.of("ggml-vocab-llama-bpe");
        assertThat(cases).hasSize(46);
        List<String> failures = LlamaCppVocabCases.mismatches(tokenizer, cases);
        assertThat(failures).as("%d of %d cases match", cases.size() - failures.size(), cases.size()).isEmpty();
        assertThat(tokenizer.encode("Cửa Việt")).containsExactly(34, 91163, 101798);
    }

    @Test
    void llamaCppReferenceIdsDecodeToInput() throws IOException {
        for (LlamaCppVocabCases.Case c : LlamaCppVocabCases.of("ggml-vocab-llama-bpe")) {
            String what = LlamaCppVocabCases.quote(c.input());
            assertThat(tokenizer.decode(c.ids())).as(what).isEqualTo(c.input());
            assertThat(LlamaCppVocabCases.decodeStreaming(tokenizer, c.ids())).as(what).isEqualTo(c.input());
        }
    }

    @Test
    void swiftTransformersParagraph() throws IOException {
        JsonNode json = Gpt2ReferenceTest.readJson("swift-transformers/llama_3.2_encoded.json");
        String text = json.get("text").asText();
        int[] expected = Gpt2ReferenceTest.ints(json.get("token_ids"));
        assertThat(expected[0]).isEqualTo(Llama3Files.BEGIN_OF_TEXT);

        int[] actual = tokenizer.encodeAsModelInput(text);

        assertThat(actual).containsExactly(expected);
        List<String> pieces = Arrays.stream(actual).skip(1).mapToObj(tokenizer::piece).toList();
        assertThat(pieces).isEqualTo(Gpt2ReferenceTest.strings(json.get("bpe_tokens")));
        assertThat(tokenizer.decode(actual)).isEqualTo(text);
    }

    /** The 18 edge cases of Llama 3.2, encoded as a model's input (with BOS); decoding gives the input back. */
    @Test
    void swiftTransformersEdgeCases() throws IOException {
        JsonNode cases = Gpt2ReferenceTest.readJson("swift-transformers/tokenizer_tests.json")
                .get("pcuenq/Llama-3.2-1B-Instruct-tokenizer");
        assertThat(cases.size()).isEqualTo(18);
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String input = c.get("input").asText();
            int[] expected = Gpt2ReferenceTest.ints(c.get("encoded").get("input_ids"));
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
