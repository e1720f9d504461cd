package org.farnode.app.model.tokenizer;

import org.farnode.app.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * StarCoder2's byte-level BPE ({@code tokenizer.ggml.pre = "starcoder"}: every digit on its own, then
 * GPT-2's split; SmolLM's split is the same) against llama.cpp's 46 test-tokenizer-0 cases.
 */
class StarCoderReferenceTest {
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = TokenizerLoader.fromGguf(SharedData.require(LlamaCppVocabCases.DIR + "llama.cpp/ggml-vocab-starcoder.gguf"));
    }

    @Test
    void ggufIsReadAsStarCoder() {
        assertThat(((ByteLevelBpeTokenizer) tokenizer).preTokenizer()).isEqualTo(BpePreTokenizer.STARCODER);
        assertThat(tokenizer.vocabularySize()).isEqualTo(49152);
        assertThat(tokenizer.bosId()).isZero();
        assertThat(tokenizer.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(tokenizer.piece(1)).isEqualTo("<fim_prefix>");
    }

    @Test
    void llamaCppCasesEncodeToReferenceIds() throws IOException {
        List<LlamaCppVocabCases.Case> cases = LlamaCppVocabCases.of("ggml-vocab-starcoder");
        assertThat(cases).hasSize(46);
        List<String> failures = LlamaCppVocabCases.mismatches(tokenizer, cases);
        assertThat(failures).as("%d of %d cases match", cases.size() - failures.size(), cases.size()).isEmpty();
    }

    @Test
    void llamaCppReferenceIdsDecodeToInput() throws IOException {
        for (LlamaCppVocabCases.Case c : LlamaCppVocabCases.of("ggml-vocab-starcoder")) {
            String what = LlamaCppVocabCases.quote(c.input());
            assertThat(tokenizer.decode(c.ids())).as(what).isEqualTo(c.input());
            assertThat(LlamaCppVocabCases.decodeStreaming(tokenizer, c.ids())).as(what).isEqualTo(c.input());
        }
    }

    /** Control-token text is ordinary text unless special tokens are parsed. */
    @Test
    void controlTokenTextIsParsedOnlyWhenAsked() {
        String text = "<fim_prefix>def f():<fim_suffix>";
        assertThat(tokenizer.encodeParsingSpecial(text)).startsWith(1).endsWith(3);
        assertThat(tokenizer.encode(text)).doesNotContain(1, 3);
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
        assertThat(tokenizer.decode(tokenizer.encodeParsingSpecial(text))).isEqualTo("def f():");
    }
}
