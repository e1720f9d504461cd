package org.farnode.app.model.tokenizer;

/**
 * Turns text into token ids and back, for one model's vocabulary.
 *
 * <p>{@link #encode} never adds BOS/EOS and never parses special-token text such as {@code "<s>"}:
 * such text is encoded like any other; {@link #encodeParsingSpecial} does parse it, and
 * {@link #encodeAsModelInput} also adds BOS/EOS as the model asks. {@link #decode} and {@link #streamingDecoder()} produce no
 * text for control tokens. Implementations are immutable and safe to share between threads; a
 * {@link StreamingDecoder} is not.
 */
public interface Tokenizer {

    /** The ids of {@code text}, without BOS/EOS; the empty string gives no ids. */
    int[] encode(String text);

    /**
     * Like {@link #encode}, except that the text of each control or unknown token (such as
     * {@code <s>} or {@code <|endoftext|>}) becomes that token; no BOS/EOS is added.
     */
    int[] encodeParsingSpecial(String text);

    /**
     * The ids a model is given for {@code text}: BOS first when {@link #addBosToken()}, then
     * {@link #encodeParsingSpecial}, then EOS when {@link #addEosToken()}.
     */
    default int[] encodeAsModelInput(String text) {
        int[] body = encodeParsingSpecial(text);
        int before = addBosToken() ? 1 : 0;
        int after = addEosToken() ? 1 : 0;
        int[] ids = new int[before + body.length + after];
        if (before == 1) {
            ids[0] = bosId();
        }
        System.arraycopy(body, 0, ids, before, body.length);
        if (after == 1) {
            ids[ids.length - 1] = eosId();
        }
        return ids;
    }

    /** {@link #bosId()} followed by {@link #encode(String) encode(text)}. */
    default int[] encodeWithBos(String text) {
        int[] body = encode(text);
        int[] ids = new int[body.length + 1];
        ids[0] = bosId();
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    /** The text of {@code ids}; throws {@link IllegalArgumentException} for an id outside the vocabulary. */
    String decode(int[] ids);

    /** A fresh decoder that turns ids into text one at a time, as {@link #decode} would. */
    StreamingDecoder streamingDecoder();

    /** The beginning-of-sequence token. */
    int bosId();

    /** The end-of-sequence token. */
    int eosId();

    /** Whether the model expects prompts to start with BOS (GGUF {@code tokenizer.ggml.add_bos_token}). */
    boolean addBosToken();

    /** Whether the model expects input to end with EOS (GGUF {@code tokenizer.ggml.add_eos_token}). */
    boolean addEosToken();

    /** The number of tokens; valid ids are {@code 0 .. vocabularySize() - 1}. */
    int vocabularySize();

    /** The vocabulary entry of {@code id} as stored (SentencePiece pieces keep their {@code ▁}). */
    String piece(int id);

    /** The kind of token {@code id} is. */
    TokenType tokenType(int id);
}
