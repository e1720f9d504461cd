package org.farnode.app.model.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import org.farnode.app.model.tokenizer.Llama3Files;
import org.farnode.app.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A rendered Llama 3 chat prompt through the real Llama 3 vocabulary: each special token is one id. */
class Llama3ChatPromptTest {
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Llama3Files.tokenizerWithSpecials();
    }

    @Test
    void specialTokensOfTheRenderedPromptAreSingleIdsAndBosComesOnce() throws IOException {
        ChatTemplate template = ChatTemplate.recognise(ChatTemplateTest.resource("llama3.jinja")).orElseThrow();
        String rendered = template.render(List.of(ChatMessage.system("You are a helpful assistant"), ChatMessage.user("Hello")),
                tokenizer);
        int[] ids = ChatTemplate.promptIds(tokenizer, rendered);
        int bot = Llama3Files.BEGIN_OF_TEXT;
        int sh = Llama3Files.START_HEADER_ID;
        int eh = Llama3Files.END_HEADER_ID;
        int eot = Llama3Files.EOT_ID;
        // system=9125 "\n\n"=271 You=2675 " are"=527 " a"=264 " helpful"=11190 " assistant"=18328 user=882 Hello=9906 assistant=78191
        assertThat(ids).containsExactly(bot, sh, 9125, eh, 271, 2675, 527, 264, 11190, 18328, eot,
                sh, 882, eh, 271, 9906, eot, sh, 78191, eh, 271);
        assertThat(tokenizer.addBosToken()).as("the model asks for BOS, which the template already wrote").isTrue();
        assertThat(tokenizer.decode(new int[]{9125, 271, 2675, 527, 264, 11190, 18328}))
                .isEqualTo("system\n\nYou are a helpful assistant");
    }

    @Test
    void bosIsAddedWhenTheTemplateLeavesItOut() {
        int[] ids = ChatTemplate.promptIds(tokenizer, "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>");
        assertThat(ids).startsWith(Llama3Files.BEGIN_OF_TEXT, Llama3Files.START_HEADER_ID).hasSize(7);
    }

    @Test
    void theEndOfTurnTokenIsFoundInTheVocabulary() throws IOException {
        ChatTemplate llama3 = ChatTemplate.recognise(ChatTemplateTest.resource("llama3.2.jinja")).orElseThrow();
        assertThat(llama3.endOfTurnIds(tokenizer)).containsExactly(Llama3Files.EOT_ID);
        ChatTemplate qwen = ChatTemplate.recognise(ChatTemplateTest.resource("qwen2.jinja")).orElseThrow();
        assertThat(qwen.endOfTurnIds(tokenizer)).as("not in this vocabulary").isEmpty();
        assertThat(llama3.render(List.of(ChatMessage.user("Hi")), tokenizer)).startsWith("<|begin_of_text|>")
                .contains("Today Date: " + java.time.format.DateTimeFormatter.ofPattern("dd MMM yyyy", java.util.Locale.ENGLISH)
                        .format(LocalDate.now()));
    }
}
