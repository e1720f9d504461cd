package org.farnode.app.model.chat;

/**
 * The chat formats this app renders, each recognised by the markers its template contains
 * ({@link ChatTemplate#recognise}); {@link #endOfTurn()} is the token text that ends a reply.
 */
public enum ChatTemplateFamily {
    /** {@code <|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>}. */
    LLAMA3("Llama 3", "<|eot_id|>"),
    /** ChatML as Qwen2 uses it: {@code <|im_start|>role\n…<|im_end|>\n}. */
    CHATML("Qwen2 (ChatML)", "<|im_end|>"),
    /** {@code <s>[INST] <<SYS>>\n…\n<</SYS>>\n\n… [/INST] … </s>}. */
    LLAMA2("Llama 2", "</s>"),
    /** {@code <s>[INST] … [/INST]…</s>}, without a system block. */
    MISTRAL("Mistral", "</s>"),
    /** Zephyr and TinyLlama chat: {@code <|role|>\n…</s>\n}. */
    ZEPHYR("Zephyr", "</s>"),
    /** {@code <start_of_turn>role\n…<end_of_turn>\n}, the assistant called {@code model}. */
    GEMMA("Gemma", "<end_of_turn>");

    private final String displayName;
    private final String endOfTurn;

    ChatTemplateFamily(String displayName, String endOfTurn) {
        this.displayName = displayName;
        this.endOfTurn = endOfTurn;
    }

    /** The name shown to people, such as {@code Llama 3}. */
    public String displayName() {
        return displayName;
    }

    /** The text of the token that ends an assistant turn. */
    public String endOfTurn() {
        return endOfTurn;
    }
}
