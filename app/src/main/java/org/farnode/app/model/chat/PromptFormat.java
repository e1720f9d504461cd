package org.farnode.app.model.chat;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a model's prompts are written: as a chat in its template's format, or as plain text to
 * continue when the model file has no template, or one of a family this app does not render.
 */
public sealed interface PromptFormat {
    /** GGUF metadata key of the template source. */
    String TEMPLATE_KEY = "tokenizer.chat_template";

    /** One line saying which format is used and, for plain completion, why. */
    String description();

    /** Chat turns rendered with {@code template}. */
    record Chat(ChatTemplate template) implements PromptFormat {
        @Override
        public String description() {
            return "chat: " + template.family().displayName() + " template";
        }
    }

    /** Plain text completion, for the reason given. */
    record Completion(String reason) implements PromptFormat {
        @Override
        public String description() {
            return "completion: " + reason;
        }
    }

    /** The format for a model whose file holds {@code templateSource} (empty: no template). */
    static PromptFormat of(Optional<String> templateSource) {
        if (templateSource.isEmpty() || templateSource.get().isBlank()) {
            return new Completion("this model has no chat template");
        }
        return ChatTemplate.recognise(templateSource.get()).<PromptFormat>map(Chat::new)
                .orElseGet(() -> new Completion("this model's chat template is not one this app renders ("
                        + Arrays.stream(ChatTemplateFamily.values()).map(ChatTemplateFamily::displayName)
                        .collect(Collectors.joining(", ")) + ")"));
    }
}
