package org.farnode.app.model.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Templates as published in popular GGUF files (test resources {@code chat-templates/*.jinja}):
 * each is recognised, and a conversation renders as the template itself renders it with
 * {@code add_generation_prompt}.
 */
class ChatTemplateTest {
    /** llama.cpp's test-chat-template conversation, whose fifth turn has spaces to trim. */
    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are a helpful assistant"),
            ChatMessage.user("Hello"),
            ChatMessage.assistant("Hi there"),
            ChatMessage.user("Who are you"),
            ChatMessage.assistant("   I am an assistant   "),
            ChatMessage.user("Another question"));
    private static final List<ChatMessage> WITHOUT_SYSTEM = CONVERSATION.subList(1, CONVERSATION.size());
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 28);

    static String resource(String name) throws IOException {
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/chat-templates/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ChatTemplate template(String name, ChatTemplateFamily expected) throws IOException {
        ChatTemplate template = ChatTemplate.recognise(resource(name)).orElseThrow();
        assertThat(template.family()).as(name).isEqualTo(expected);
        return template;
    }

    @Test
    void llama3() throws IOException {
        ChatTemplate template = template("llama3.jinja", ChatTemplateFamily.LLAMA3);
        assertThat(template.render(CONVERSATION, "<|begin_of_text|>", "<|end_of_text|>", TODAY)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nI am an assistant<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nAnother question<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(template.render(List.of(ChatMessage.user("Hi")), "<|begin_of_text|>", "", TODAY)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    /** Llama 3.1/3.2 always open with a system header that carries the date (today's: the template calls strftime_now). */
    @Test
    void llama32AddsTheDatedSystemHeader() throws IOException {
        ChatTemplate template = template("llama3.2.jinja", ChatTemplateFamily.LLAMA3);
        assertThat(template.render(CONVERSATION.subList(0, 2), "<|begin_of_text|>", "<|eot_id|>", TODAY)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                        + "Today Date: 28 Nov 2026\n\nYou are a helpful assistant<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(template.render(List.of(ChatMessage.user("Hello")), "<|begin_of_text|>", "<|eot_id|>",
                LocalDate.of(2025, 3, 5))).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                        + "Today Date: 05 Mar 2025\n\n<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void qwen2UsesItsOwnSystemPromptWhenNoneIsGiven() throws IOException {
        ChatTemplate template = template("qwen2.jinja", ChatTemplateFamily.CHATML);
        assertThat(template.defaultSystem()).contains("You are a helpful assistant.");
        assertThat(template.render(List.of(ChatMessage.user("Hello")), "<|endoftext|>", "<|im_end|>", TODAY)).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
        assertThat(template.render(CONVERSATION, "<|endoftext|>", "<|im_end|>", TODAY)).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n"
                        + "<|im_start|>assistant\nHi there<|im_end|>\n<|im_start|>user\nWho are you<|im_end|>\n"
                        + "<|im_start|>assistant\n   I am an assistant   <|im_end|>\n<|im_start|>user\nAnother question<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void llama2() throws IOException {
        ChatTemplate template = template("llama2.jinja", ChatTemplateFamily.LLAMA2);
        assertThat(template.render(CONVERSATION, "<s>", "</s>", TODAY)).isEqualTo(
                "<s>[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST] Hi there </s>"
                        + "<s>[INST] Who are you [/INST] I am an assistant </s><s>[INST] Another question [/INST]");
        assertThat(template.render(List.of(ChatMessage.user(" Hi ")), "<s>", "</s>", TODAY))
                .isEqualTo("<s>[INST] Hi [/INST]");
    }

    @Test
    void mistralPutsTheSystemTextBeforeTheFirstUserTurn() throws IOException {
        ChatTemplate template = template("mistral.jinja", ChatTemplateFamily.MISTRAL);
        assertThat(template.render(WITHOUT_SYSTEM, "<s>", "</s>", TODAY)).isEqualTo(
                "<s>[INST] Hello [/INST]Hi there</s>[INST] Who are you [/INST]   I am an assistant   </s>"
                        + "[INST] Another question [/INST]");
        assertThat(template.render(CONVERSATION.subList(0, 2), "<s>", "</s>", TODAY))
                .isEqualTo("<s>[INST] You are a helpful assistant\n\nHello [/INST]");
    }

    @Test
    void zephyrAsTinyLlamaChat() throws IOException {
        ChatTemplate template = template("zephyr.jinja", ChatTemplateFamily.ZEPHYR);
        assertThat(template.render(CONVERSATION, "<s>", "</s>", TODAY)).isEqualTo(
                "<|system|>\nYou are a helpful assistant</s>\n<|user|>\nHello</s>\n<|assistant|>\nHi there</s>\n"
                        + "<|user|>\nWho are you</s>\n<|assistant|>\n   I am an assistant   </s>\n"
                        + "<|user|>\nAnother question</s>\n<|assistant|>\n");
    }

    @Test
    void gemmaCallsTheAssistantModel() throws IOException {
        ChatTemplate template = template("gemma.jinja", ChatTemplateFamily.GEMMA);
        assertThat(template.render(CONVERSATION, "<bos>", "<eos>", TODAY)).isEqualTo(
                "<bos><start_of_turn>user\nYou are a helpful assistant\n\nHello<end_of_turn>\n"
                        + "<start_of_turn>model\nHi there<end_of_turn>\n<start_of_turn>user\nWho are you<end_of_turn>\n"
                        + "<start_of_turn>model\nI am an assistant<end_of_turn>\n"
                        + "<start_of_turn>user\nAnother question<end_of_turn>\n<start_of_turn>model\n");
    }

    @Test
    void otherFamiliesAndMissingTemplatesMeanPlainCompletionAndSaySo() {
        String phi3 = "{{ bos_token }}{% for message in messages %}{{'<|' + message['role'] + '|>' + '\\n' + message['content']"
                + " + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";
        String commandR = "{{ bos_token }}{% for message in messages %}{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' "
                + "+ message['content'] + '<|END_OF_TURN_TOKEN|>' }}{% endfor %}";
        assertThat(ChatTemplate.recognise(phi3)).isEmpty();
        assertThat(PromptFormat.of(Optional.of(commandR))).isInstanceOf(PromptFormat.Completion.class)
                .extracting(PromptFormat::description).asString()
                .startsWith("completion: this model's chat template is not one this app renders (Llama 3, Qwen2 (ChatML)");
        assertThat(PromptFormat.of(Optional.empty()).description()).isEqualTo("completion: this model has no chat template");
        assertThat(PromptFormat.of(Optional.of(" ")).description()).isEqualTo("completion: this model has no chat template");
    }

    @Test
    void recognisedTemplatesDescribeThemselves() throws IOException {
        assertThat(PromptFormat.of(Optional.of(resource("llama3.jinja"))).description()).isEqualTo("chat: Llama 3 template");
        assertThat(PromptFormat.of(Optional.of(resource("qwen2.jinja"))).description())
                .isEqualTo("chat: Qwen2 (ChatML) template");
    }

    @Test
    void turnsOutOfOrderAreRefused() throws IOException {
        ChatTemplate template = template("llama3.jinja", ChatTemplateFamily.LLAMA3);
        assertThatThrownBy(() -> template.render(List.of(ChatMessage.system("s")), "", "", TODAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a user turn");
        assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), "", "", TODAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("turn 1 must be assistant");
        assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), "", "", TODAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the last turn must be the user's");
    }
}
