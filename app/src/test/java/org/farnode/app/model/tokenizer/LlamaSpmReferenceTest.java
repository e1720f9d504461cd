package org.farnode.app.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.farnode.app.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Llama 2 SentencePiece vocabulary ({@code ggml-vocab-llama-spm.gguf}) against reference ids
 * made with Hugging Face tokenizers: llama.cpp's 46 test-tokenizer-0 cases (no BOS) and the
 * swift-transformers Llama 2 files (with BOS 1).
 */
class LlamaSpmReferenceTest {
    private static final String DIR = LlamaCppVocabCases.DIR;

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = TokenizerLoader.fromGguf(SharedData.require(DIR + "llama.cpp/ggml-vocab-llama-spm.gguf"));
    }

    @Test
    void vocabularyIsLlama2() {
        assertThat(tokenizer).isInstanceOf(SentencePieceTokenizer.class);
        assertThat(tokenizer.vocabularySize()).isEqualTo(32000);
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.addBosToken()).isTrue();
        assertThat(tokenizer.addEosToken()).isFalse();
        assertThat(tokenizer.piece(15043)).isEqualTo("▁Hello");
        assertThat(tokenizer.tokenType(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(tokenizer.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(tokenizer.tokenType(3)).isEqualTo(TokenType.BYTE);
    }

    @Test
    void llamaCppCasesEncodeToReferenceIds() throws IOException {
        List<LlamaCppVocabCases.Case> cases = LlamaCppVocabCases.of("ggml-vocab-llama-spm");
        assertThat(cases).hasSize(46);
        List<String> failures = LlamaCppVocabCases.mismatches(tokenizer, cases);
        assertThat(failures).as("%d of %d cases match", cases.size() - failures.size(), cases.size()).isEmpty();
    }

    /**
     * Decoding the reference ids gives the input back: the dummy-prefix space that encoding added is
     * dropped again. Every one of the 46 inputs round-trips exactly, including those that start with
     * spaces (" " is encoded as "▁▁", whose first ▁ is the dummy prefix) and the empty input.
     */
    @Test
    void llamaCppReferenceIdsDecodeToInput() throws IOException {
        for (LlamaCppVocabCases.Case c : LlamaCppVocabCases.of("ggml-vocab-llama-spm")) {
            assertThat(tokenizer.decode(c.ids())).as(quote(c.input())).isEqualTo(c.input());
            assertThat(LlamaCppVocabCases.decodeStreaming(tokenizer, c.ids())).as(quote(c.input())).isEqualTo(c.input());
        }
    }

    /** Control-token text becomes the token only when asked; each run of text after it gets its own dummy prefix. */
    @Test
    void controlTokenTextIsParsedOnlyWhenAsked() {
        int[] hello = tokenizer.encode("Hello");
        assertThat(tokenizer.encodeParsingSpecial("Hello</s><s>Hello"))
                .containsExactly(hello[0], 2, 1, hello[0]);
        assertThat(tokenizer.encode("Hello</s>")).doesNotContain(2);
        assertThat(tokenizer.encodeAsModelInput("Hello")).containsExactly(1, hello[0]);
    }

    @Test
    void swiftTransformersLlamaParagraph() throws IOException {
        JsonNode json = new ObjectMapper().readTree(SharedData.require(DIR + "swift-transformers/llama_encoded.json").toFile());
        String text = json.get("text").asText();
        int[] expected = ints(json.get("token_ids"));
        assertThat(expected[0]).isEqualTo(1);

        int[] actual = tokenizer.encodeWithBos(text);

        assertThat(actual).containsExactly(expected);
        List<String> pieces = new ArrayList<>();
        for (int i = 1; i < actual.length; i++) {
            pieces.add(tokenizer.piece(actual[i]));
        }
        List<String> expectedPieces = new ArrayList<>();
        json.get("bpe_tokens").forEach(n -> expectedPieces.add(n.asText()));
        assertThat(pieces).isEqualTo(expectedPieces);
        assertThat(tokenizer.decode(actual)).isEqualTo(text);
    }

    @Test
    void swiftTransformersLlama2EdgeCases() throws IOException {
        JsonNode all = new ObjectMapper().readTree(SharedData.require(DIR + "swift-transformers/tokenizer_tests.json").toFile());
        JsonNode cases = all.get("coreml-projects/Llama-2-7b-chat-coreml");
        assertThat(cases.size()).isEqualTo(18);
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String input = c.get("input").asText();
            int[] expected = ints(c.get("encoded").get("input_ids"));
            int[] actual = tokenizer.encodeWithBos(input);
            if (!Arrays.equals(actual, expected)) {
                failures.add(quote(input) + ": expected " + Arrays.toString(expected) + " but got " + Arrays.toString(actual));
            }
            assertThat(tokenizer.decode(expected)).as(quote(input)).isEqualTo(c.get("decoded_without_special").asText());
        }
        assertThat(failures).isEmpty();
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    static String quote(String text) {
        return LlamaCppVocabCases.quote(text);
    }
}
