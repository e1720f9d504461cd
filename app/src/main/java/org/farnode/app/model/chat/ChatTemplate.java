package org.farnode.app.model.chat;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.model.tokenizer.Tokenizer;

/**
 * A model's chat template ({@code tokenizer.chat_template}), recognised by family rather than
 * interpreted: the conversation is rendered as that family's published template renders it with
 * {@code add_generation_prompt} on, no tools and the usual {@code bos_token}/{@code eos_token}.
 *
 * <p>Where a reference template refuses a system turn (Mistral, Gemma), the system text goes before
 * the first user turn, separated by a blank line. Llama 3.1 and later templates
 * ({@code Cutting Knowledge Date}) always open with a system header carrying the date: today's where
 * the template asks {@code strftime_now}, else its own {@code 26 Jul 2024}.
 */
public final class ChatTemplate {
    /** The date Llama 3.1 templates fall back to when no date is given. */
    static final String LLAMA31_DEFAULT_DATE = "26 Jul 2024";
    private static final DateTimeFormatter LLAMA_DATE = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);
    /** A ChatML template's own system turn, such as Qwen2's "You are a helpful assistant.". */
    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\n|\\\\n)([^'\"<]+)<\\|im_end\\|>");

    private final ChatTemplateFamily family;
    private final boolean startsWithBos;
    private final Optional<String> defaultSystem;
    private final boolean datedSystemHeader;
    private final boolean todaysDate;

    private ChatTemplate(ChatTemplateFamily family, boolean startsWithBos, Optional<String> defaultSystem,
                         boolean datedSystemHeader, boolean todaysDate) {
        this.family = family;
        this.startsWithBos = startsWithBos;
        this.defaultSystem = defaultSystem;
        this.datedSystemHeader = datedSystemHeader;
        this.todaysDate = todaysDate;
    }

    /**
     * The family of {@code source} from its distinctive markers, or empty when it is none this app
     * renders. Order matters: Llama 2 and Mistral share {@code [INST]}; Phi-3's {@code <|user|>}
     * comes with {@code <|end|>}, which Zephyr's never has.
     */
    public static Optional<ChatTemplate> recognise(String source) {
        boolean bos = source.contains("bos_token");
        if (source.contains("<|start_header_id|>") && source.contains("<|eot_id|>")) {
            boolean dated = source.contains("Cutting Knowledge Date");
            return Optional.of(new ChatTemplate(ChatTemplateFamily.LLAMA3, bos, Optional.empty(), dated,
                    dated && source.contains("strftime_now")));
        }
        if (source.contains("<|im_start|>") && source.contains("<|im_end|>")) {
            Matcher system = CHATML_DEFAULT_SYSTEM.matcher(source);
            Optional<String> defaultSystem = system.find() ? Optional.of(system.group(1)) : Optional.empty();
            return Optional.of(new ChatTemplate(ChatTemplateFamily.CHATML, false, defaultSystem, false, false));
        }
        if (source.contains("<start_of_turn>") && source.contains("<end_of_turn>")) {
            return Optional.of(new ChatTemplate(ChatTemplateFamily.GEMMA, bos, Optional.empty(), false, false));
        }
        if (source.contains("<|user|>") && source.contains("<|assistant|>") && !source.contains("<|end|>")) {
            return Optional.of(new ChatTemplate(ChatTemplateFamily.ZEPHYR, false, Optional.empty(), false, false));
        }
        if (source.contains("[INST]") && source.contains("<<SYS>>")) {
            return Optional.of(new ChatTemplate(ChatTemplateFamily.LLAMA2, true, Optional.empty(), false, false));
        }
        if (source.contains("[INST]")) {
            return Optional.of(new ChatTemplate(ChatTemplateFamily.MISTRAL, bos, Optional.empty(), false, false));
        }
        return Optional.empty();
    }

    public ChatTemplateFamily family() {
        return family;
    }

    /** The system text the template uses when the conversation has none (Qwen2's), if any. */
    public Optional<String> defaultSystem() {
        return defaultSystem;
    }

    /** {@link #render(List, String, String, LocalDate)} with the tokenizer's BOS/EOS text and today's date. */
    public String render(List<ChatMessage> conversation, Tokenizer tokenizer) {
        return render(conversation, tokenizer.piece(tokenizer.bosId()), tokenizer.piece(tokenizer.eosId()), LocalDate.now());
    }

    /**
     * The prompt for {@code conversation}: an optional system turn, then user and assistant turns in
     * turn, ending with a user turn; then what the template adds for the assistant's reply.
     *
     * @throws IllegalArgumentException a conversation in another order
     */
    public String render(List<ChatMessage> conversation, String bosToken, String eosToken, LocalDate today) {
        Optional<String> system = checkOrder(conversation);
        List<ChatMessage> turns = system.isPresent() ? conversation.subList(1, conversation.size()) : conversation;
        StringBuilder out = new StringBuilder();
        switch (family) {
            case LLAMA3 -> {
                if (startsWithBos) {
                    out.append(bosToken);
                }
                if (datedSystemHeader) {
                    String date = todaysDate ? LLAMA_DATE.format(today) : LLAMA31_DEFAULT_DATE;
                    out.append("<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n")
                            .append("Today Date: ").append(date).append("\n\n")
                            .append(system.map(String::strip).orElse("")).append("<|eot_id|>");
                } else {
                    system.ifPresent(text -> llama3Turn(out, "system", text));
                }
                turns.forEach(turn -> llama3Turn(out, turn.role().jinjaName(), turn.content()));
                out.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            case CHATML -> {
                system.or(() -> defaultSystem).ifPresent(text -> chatMlTurn(out, "system", text));
                turns.forEach(turn -> chatMlTurn(out, turn.role().jinjaName(), turn.content()));
                out.append("<|im_start|>assistant\n");
            }
            case LLAMA2 -> {
                for (int i = 0; i < turns.size(); i++) {
                    ChatMessage turn = turns.get(i);
                    String content = i == 0 && system.isPresent()
                            ? "<<SYS>>\n" + system.get() + "\n<</SYS>>\n\n" + turn.content() : turn.content();
                    if (turn.role() == ChatMessage.Role.USER) {
                        out.append(bosToken).append("[INST] ").append(content.strip()).append(" [/INST]");
                    } else {
                        out.append(' ').append(content.strip()).append(' ').append(eosToken);
                    }
                }
            }
            case MISTRAL -> {
                if (startsWithBos) {
                    out.append(bosToken);
                }
                List<ChatMessage> merged = withSystemInFirstTurn(system, turns);
                for (ChatMessage turn : merged) {
                    if (turn.role() == ChatMessage.Role.USER) {
                        out.append("[INST] ").append(turn.content()).append(" [/INST]");
                    } else {
                        out.append(turn.content()).append(eosToken);
                    }
                }
            }
            case ZEPHYR -> {
                for (ChatMessage turn : conversation) {
                    out.append("<|").append(turn.role().jinjaName()).append("|>\n").append(turn.content())
                            .append(eosToken).append('\n');
                }
                out.append("<|assistant|>\n");
            }
            case GEMMA -> {
                if (startsWithBos) {
                    out.append(bosToken);
                }
                for (ChatMessage turn : withSystemInFirstTurn(system, turns)) {
                    String role = turn.role() == ChatMessage.Role.ASSISTANT ? "model" : turn.role().jinjaName();
                    out.append("<start_of_turn>").append(role).append('\n').append(turn.content().strip())
                            .append("<end_of_turn>\n");
                }
                out.append("<start_of_turn>model\n");
            }
        }
        return out.toString();
    }

    /**
     * The ids the model is given for a rendered prompt: its special-token text parsed into single
     * tokens, with BOS in front where the model wants one and the template did not already put it there.
     */
    public static int[] promptIds(Tokenizer tokenizer, String rendered) {
        int[] body = tokenizer.encodeParsingSpecial(rendered);
        if (!tokenizer.addBosToken() || body.length > 0 && body[0] == tokenizer.bosId()) {
            return body;
        }
        int[] ids = new int[body.length + 1];
        ids[0] = tokenizer.bosId();
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    /** The ids in {@code tokenizer}'s vocabulary whose text is this family's end-of-turn token (none when it lacks one). */
    public int[] endOfTurnIds(Tokenizer tokenizer) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabularySize(); id++) {
            if (family.endOfTurn().equals(tokenizer.piece(id))) {
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void llama3Turn(StringBuilder out, String role, String content) {
        out.append("<|start_header_id|>").append(role).append("<|end_header_id|>\n\n").append(content.strip())
                .append("<|eot_id|>");
    }

    private static void chatMlTurn(StringBuilder out, String role, String content) {
        out.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
    }

    private static List<ChatMessage> withSystemInFirstTurn(Optional<String> system, List<ChatMessage> turns) {
        if (system.isEmpty()) {
            return turns;
        }
        List<ChatMessage> merged = new ArrayList<>(turns);
        merged.set(0, ChatMessage.user(system.get() + "\n\n" + turns.getFirst().content()));
        return merged;
    }

    /** The system text, if the conversation starts with one; throws when the turns are out of order. */
    private static Optional<String> checkOrder(List<ChatMessage> conversation) {
        int first = !conversation.isEmpty() && conversation.getFirst().role() == ChatMessage.Role.SYSTEM ? 1 : 0;
        if (conversation.size() == first) {
            throw new IllegalArgumentException("a conversation needs a user turn to answer, got " + conversation.size()
                    + " turns");
        }
        for (int i = first; i < conversation.size(); i++) {
            ChatMessage.Role expected = (i - first) % 2 == 0 ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT;
            if (conversation.get(i).role() != expected) {
                throw new IllegalArgumentException("turn " + i + " must be " + expected.jinjaName() + " (an optional system "
                        + "turn, then user and assistant in turn), got " + conversation.get(i).role().jinjaName());
            }
        }
        if (conversation.getLast().role() != ChatMessage.Role.USER) {
            throw new IllegalArgumentException("the last turn must be the user's, got " + conversation.getLast().role().jinjaName());
        }
        return first == 1 ? Optional.of(conversation.getFirst().content()) : Optional.empty();
    }

    @Override
    public String toString() {
        return family.displayName() + " template";
    }
}
