package org.farnode.app.model.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The word splits of each byte-level BPE family, rule by rule. */
class BpePreTokenizerTest {

    @Test
    void gpt2KeepsOneLeadingSpaceWithEachWord() {
        assertThat(BpePreTokenizer.GPT2.split("Hello world, it's 2024!"))
                .containsExactly("Hello", " world", ",", " it", "'s", " 2024", "!");
    }

    @Test
    void gpt2LeavesTheLastSpaceOfARunToTheNextWord() {
        assertThat(BpePreTokenizer.GPT2.split("a   b  ")).containsExactly("a", "  ", " b", "  ");
        assertThat(BpePreTokenizer.GPT2.split("a\nb")).containsExactly("a", "\n", "b");
        assertThat(BpePreTokenizer.GPT2.split("\n\n\tx")).containsExactly("\n\n", "\t", "x");
    }

    @Test
    void gpt2ContractionsAreLowerCaseOnly() {
        assertThat(BpePreTokenizer.GPT2.split("I'LL we'll")).containsExactly("I", "'", "LL", " we", "'ll");
    }

    /**
     * A no-break space is Unicode whitespace (only an ASCII space joins the next word); with
     * ASCII-only {@code \s} the two would be one symbol word.
     */
    @Test
    void whitespaceIsUnicodeWhitespace() {
        assertThat(BpePreTokenizer.GPT2.split("you\u00a0\u00a0you")).containsExactly("you", "\u00a0", "\u00a0", "you");
    }

    @Test
    void llama3GroupsDigitsByThreeAndKeepsContractionsInAnyCase() {
        assertThat(BpePreTokenizer.LLAMA3.split("1234567 I'LL")).containsExactly("123", "456", "7", " I", "'LL");
        assertThat(BpePreTokenizer.LLAMA3.split("(hello) x\n\ny")).containsExactly("(hello", ")", " x", "\n\n", "y");
        assertThat(BpePreTokenizer.LLAMA3.split("a ...\n\nb")).containsExactly("a", " ...\n\n", "b");
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertThat(BpePreTokenizer.QWEN2.split("x 1234")).containsExactly("x", " ", "1", "2", "3", "4");
    }

    @Test
    void starCoderIsolatesDigitsThenSplitsLikeGpt2() {
        assertThat(BpePreTokenizer.STARCODER.split("abc 123def")).containsExactly("abc", " ", "1", "2", "3", "def");
    }

    @Test
    void wordsJoinBackToTheTextAndEmptyTextHasNone() {
        String text = " \t mixed 12345 text\u00a0with 🦙 emoji,  symbols!!\r\n and  \n";
        for (BpePreTokenizer kind : BpePreTokenizer.values()) {
            assertThat(String.join("", kind.split(text))).as(kind.name()).isEqualTo(text);
            assertThat(kind.split("")).as(kind.name()).isEmpty();
        }
    }

    @Test
    void namesMapToTheirKinds() {
        assertThat(BpePreTokenizer.named("gpt-2")).isEqualTo(BpePreTokenizer.GPT2);
        assertThat(BpePreTokenizer.named("default")).isEqualTo(BpePreTokenizer.GPT2);
        assertThat(BpePreTokenizer.named("llama-bpe")).isEqualTo(BpePreTokenizer.LLAMA3);
        assertThat(BpePreTokenizer.named("llama3")).isEqualTo(BpePreTokenizer.LLAMA3);
        assertThat(BpePreTokenizer.named("qwen2")).isEqualTo(BpePreTokenizer.QWEN2);
        assertThat(BpePreTokenizer.named("starcoder")).isEqualTo(BpePreTokenizer.STARCODER);
        assertThat(BpePreTokenizer.named("smollm")).isEqualTo(BpePreTokenizer.STARCODER);
    }

    @Test
    void anUnknownNameIsAnErrorThatListsTheSupportedOnes() {
        assertThatThrownBy(() -> BpePreTokenizer.named("deepseek-llm"))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("\"deepseek-llm\"")
                .hasMessageContaining("tokenizer.ggml.pre")
                .hasMessageContaining("default, gpt-2, llama-bpe, llama3, qwen2, smollm, starcoder");
    }
}
