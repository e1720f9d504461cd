package org.farnode.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.model.SyntheticLlama;
import org.farnode.app.model.chat.ChatMessage;
import org.farnode.app.model.chat.ChatTemplate;
import org.farnode.app.model.chat.PromptFormat;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.tokenizer.Tokenizer;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Try it on a model with a chat template: the conversation, rendered in the template's format, is what gets tokenized. */
class TryItChatTest {
    /** TinyLlama-1.1B-Chat's template (Zephyr), whose turns end with {@code </s>}, in the synthetic vocabulary too. */
    private static final String ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
            + "{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
            + "{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
            + "{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
            + "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

    @TempDir
    Path folder;

    private static SyntheticLlama model() {
        return new SyntheticLlama(64, 192, 3, 4, 2, 300, 128, 10000f, 1e-5f, GgmlType.F32, false, 11);
    }

    private DesktopNode start(Path modelFile) throws Exception {
        return DesktopNode.start(OperatorSettings.defaults().withModelFile(modelFile.toString()), folder.resolve("node"),
                new ActivityLog(), step -> { });
    }

    @Test
    void aModelWithAChatTemplateIsChattedWithAndKeepsTheConversation() throws Exception {
        Path file = folder.resolve("chat.gguf");
        model().writer().put(PromptFormat.TEMPLATE_KEY, GgufValue.string(ZEPHYR)).write(file);
        try (DesktopNode node = start(file)) {
            EmbeddedSwarm swarm = node.swarm();
            Tokenizer tokenizer = swarm.model().tokenizer();
            TryIt.Conversation conversation = TryIt.Conversation.with(swarm);
            assertThat(conversation.format().description()).isEqualTo("chat: Zephyr template");

            StringBuilder reply = new StringBuilder();
            TryIt.Summary first = TryIt.run(swarm, conversation, "Hello", 4, "fp32", false, (piece, hops) -> reply.append(piece));
            int[] expected = ChatTemplate.promptIds(tokenizer, "<|user|>\nHello</s>\n<|assistant|>\n");
            assertThat(first.promptIds()).containsExactly(expected);
            assertThat(first.promptIds()[0]).as("BOS once").isEqualTo(tokenizer.bosId());
            assertThat(first.promptIds()).as("</s> as one token, not text").contains(tokenizer.eosId());
            assertThat(conversation.turns()).containsExactly(ChatMessage.user("Hello"), ChatMessage.assistant(reply.toString()));

            TryIt.Summary second = TryIt.run(swarm, conversation, "And then?", 4, "fp32", true, (piece, hops) -> { });
            assertThat(second.promptIds()).containsExactly(ChatTemplate.promptIds(tokenizer, "<|user|>\nHello</s>\n<|assistant|>\n"
                    + reply + "</s>\n<|user|>\nAnd then?</s>\n<|assistant|>\n"));
            assertThat(conversation.turns()).hasSize(4);
            assertThatThrownBy(() -> TryIt.run(swarm, conversation, "x".repeat(200), 4, "fp32", false, (piece, hops) -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start a new conversation");
            assertThat(conversation.turns()).as("a refused turn is not kept").hasSize(4);
            conversation.clear();
            assertThat(conversation.turns()).isEmpty();
        }
    }

    @Test
    void aModelWithoutATemplateContinuesThePromptAndSaysSo() throws Exception {
        Path file = folder.resolve("plain.gguf");
        model().write(file);
        try (DesktopNode node = start(file)) {
            EmbeddedSwarm swarm = node.swarm();
            TryIt.Conversation conversation = TryIt.Conversation.with(swarm);
            assertThat(conversation.format().description()).isEqualTo("completion: this model has no chat template");
            List<String> pieces = new ArrayList<>();
            TryIt.Summary summary = TryIt.run(swarm, conversation, "abc", 3, "fp32", false, (piece, hops) -> pieces.add(piece));
            assertThat(summary.promptIds()).containsExactly(swarm.model().tokenizer().encodeWithBos("abc"));
            assertThat(conversation.turns()).as("completion keeps no turns").isEmpty();
        }
    }
}
