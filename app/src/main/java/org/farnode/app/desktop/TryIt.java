package org.farnode.app.desktop;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.FailoverStage;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.chat.ChatMessage;
import org.farnode.app.model.chat.ChatTemplate;
import org.farnode.app.model.chat.PromptFormat;
import org.farnode.app.model.tokenizer.Tokenizer;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.speculative.Speculation;

/**
 * The app's "Try it": one greedy generation through the embedded swarm, as a user's gateway runs
 * it, reporting the text as it streams and each hop's bytes after every token. With prompt lookup
 * the text is the same and comes in fewer round trips. A model with a chat template it recognises is
 * chatted with ({@link Conversation}); any other continues the prompt as plain text.
 */
public final class TryIt {
    /** Most tokens drafted per trip with prompt lookup. */
    private static final int MAX_DRAFT = 8;

    private TryIt() {
    }

    /** Where a run reports; called on the generating thread. */
    public interface Listener {
        /** A piece of generated text (possibly empty), and each hop's traffic so far. */
        void progress(String text, List<HopRow> hops);
    }

    /** One hop's traffic: the node, its layers, bytes each way (whole frames), windows sent. */
    public record HopRow(String nodeId, String layers, long bytesSent, long bytesReceived, int windows) {
        static HopRow of(RemoteShardStage stage) {
            var traffic = stage.traffic();
            return new HopRow(stage.peer().address().nodeId(), stage.layers().toString(), traffic.bytesSent(),
                    traffic.bytesReceived(), traffic.windows());
        }
    }

    /**
     * How a run went.
     *
     * @param generatedTokens   tokens generated
     * @param tokensPerRoundTrip tokens gained per trip through the route while decoding (1 without speculation)
     * @param decodeTokensPerSecond decode speed
     * @param stopReason        why it stopped
     * @param hops              each hop's traffic for the whole run
     * @param promptIds         the ids the model was given
     */
    public record Summary(int generatedTokens, double tokensPerRoundTrip, double decodeTokensPerSecond,
                          GenerationResult.StopReason stopReason, List<HopRow> hops, int[] promptIds) {
    }

    /**
     * What Try it says to one model: in chat, the turns so far, so that each run answers the next
     * user turn after them; in completion, each run stands alone. Used from one thread at a time.
     */
    public static final class Conversation {
        private final PromptFormat format;
        private final List<ChatMessage> turns = new ArrayList<>();

        public Conversation(PromptFormat format) {
            this.format = format;
        }

        /** A conversation in the model's own format ({@link org.farnode.app.model.LoadedModel#promptFormat()}). */
        public static Conversation with(EmbeddedSwarm swarm) {
            return new Conversation(swarm.model().promptFormat());
        }

        public PromptFormat format() {
            return format;
        }

        /** The user and assistant turns so far (none in completion). */
        public List<ChatMessage> turns() {
            return List.copyOf(turns);
        }

        /** Forgets the turns so far. */
        public void clear() {
            turns.clear();
        }

        /** The text the model is given for {@code input}: the chat rendered with it as the next user turn, or the input itself. */
        public String prompt(String input, Tokenizer tokenizer) {
            if (format instanceof PromptFormat.Chat chat) {
                List<ChatMessage> next = new ArrayList<>(turns);
                next.add(ChatMessage.user(input));
                return chat.template().render(next, tokenizer);
            }
            return input;
        }

        private void answered(String input, String reply) {
            if (format instanceof PromptFormat.Chat) {
                turns.add(ChatMessage.user(input));
                turns.add(ChatMessage.assistant(reply));
            }
        }
    }

    /**
     * Generates up to {@code maxTokens} greedy tokens after {@code prompt} through {@code swarm}
     * in {@code codec} ({@code fp32}, {@code fp16}, {@code int8}, {@code int4}).
     *
     * @throws IllegalArgumentException a prompt that does not fit the model's context, or a bad token count
     */
    public static Summary run(EmbeddedSwarm swarm, String prompt, int maxTokens, String codec, boolean promptLookup,
                              Listener listener) {
        return run(swarm, new Conversation(new PromptFormat.Completion("plain completion was asked for")), prompt, maxTokens,
                codec, promptLookup, listener);
    }

    /**
     * As {@link #run(EmbeddedSwarm, String, int, String, boolean, Listener)}, with {@code input} as
     * the next user turn of {@code conversation} when it is a chat: the turns so far and the input are
     * rendered with the model's template, generation also stops at the template's end-of-turn token,
     * and the reply joins the conversation.
     */
    public static Summary run(EmbeddedSwarm swarm, Conversation conversation, String input, int maxTokens, String codec,
                              boolean promptLookup, Listener listener) {
        if (maxTokens < 1 || maxTokens > swarm.model().config().contextLength() - 1) {
            throw new IllegalArgumentException("tokens to generate must be 1.." + (swarm.model().config().contextLength() - 1)
                    + ", got " + maxTokens);
        }
        try (PeerRoute route = swarm.openRoute(HiddenStateCodecs.byName(codec))) {
            // Through the hops, so that a node lost mid-run is replaced by a spare where the swarm has one.
            List<FailoverStage> hops = route.hops();
            var tokenizer = swarm.model().tokenizer();
            Generator generator = new Generator(swarm.gateway(), tokenizer, List.copyOf(hops));
            int[] prompted;
            if (conversation.format() instanceof PromptFormat.Chat chat) {
                prompted = ChatTemplate.promptIds(tokenizer, conversation.prompt(input, tokenizer));
                int context = swarm.model().config().contextLength();
                if (prompted.length >= context) {
                    throw new IllegalArgumentException("the conversation is " + prompted.length
                            + " tokens but the model's context holds " + context
                            + " (including at least one generated token); start a new conversation");
                }
                generator = generator.stoppingAlsoAt(chat.template().endOfTurnIds(tokenizer));
            } else {
                prompted = generator.promptTokens(input);
            }
            Speculation speculation = promptLookup ? Speculation.promptLookup(MAX_DRAFT) : null;
            StringBuilder reply = new StringBuilder();
            GenerationResult result = generator.generate(prompted, maxTokens, new SamplingSettings(0f, 0, 1f, 0),
                    (id, text) -> {
                        reply.append(text);
                        listener.progress(text, rows(hops));
                    }, speculation);
            route.closeSessions();
            conversation.answered(input, reply.toString());
            double perTrip = speculation == null ? 1.0 : speculation.stats().tokensPerRoundTrip();
            return new Summary(result.generatedTokens().length, perTrip, result.decodeTokensPerSecond(), result.stopReason(),
                    rows(hops), prompted);
        }
    }

    /** Each hop's traffic on its current node. */
    private static List<HopRow> rows(List<FailoverStage> hops) {
        return hops.stream().map(hop -> HopRow.of(hop.current())).toList();
    }
}
