package org.farnode.app.model.tokenizer;

import org.farnode.app.model.gguf.GgufMetadata;

import java.util.Optional;

import static org.farnode.app.model.tokenizer.TokenizerLoader.ADD_BOS_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.ADD_EOS_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.BOS_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.BYTE_LEVEL_BPE_MODEL;
import static org.farnode.app.model.tokenizer.TokenizerLoader.EOS_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.MERGES_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.PRE_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.TOKENS_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.TOKEN_TYPE_KEY;
import static org.farnode.app.model.tokenizer.TokenizerLoader.UNKNOWN_KEY;

/**
 * Reads a byte-level BPE tokenizer ({@code tokenizer.ggml.model = "gpt2"}) from GGUF metadata:
 * <ul>
 *   <li>{@value TokenizerLoader#TOKENS_KEY} and {@value TokenizerLoader#MERGES_KEY} (required);</li>
 *   <li>{@value TokenizerLoader#PRE_KEY}, the {@link BpePreTokenizer} (default
 *       {@value BpePreTokenizer#DEFAULT_NAME}; an unknown name is an error);</li>
 *   <li>{@value TokenizerLoader#TOKEN_TYPE_KEY} (optional; without it BOS and EOS are control tokens and
 *       the rest normal);</li>
 *   <li>the BOS and EOS ids (when one is missing it is the other; at least one is required), the
 *       unknown id (optional: byte-level BPE needs none);</li>
 *   <li>{@value TokenizerLoader#ADD_BOS_KEY} (default: true for Llama 3, else false) and
 *       {@value TokenizerLoader#ADD_EOS_KEY} (default false).</li>
 * </ul>
 */
final class ByteLevelBpeLoader {
    private ByteLevelBpeLoader() {
    }

    static ByteLevelBpeTokenizer fromGguf(GgufMetadata metadata) {
        TokenizerLoader.requireKey(metadata, TOKENS_KEY, BYTE_LEVEL_BPE_MODEL);
        TokenizerLoader.requireKey(metadata, MERGES_KEY, BYTE_LEVEL_BPE_MODEL);
        BpePreTokenizer preTokenizer = BpePreTokenizer.named(metadata.optionalString(PRE_KEY).orElse(BpePreTokenizer.DEFAULT_NAME));
        String[] pieces = metadata.stringArray(TOKENS_KEY);
        String[] merges = metadata.stringArray(MERGES_KEY);
        SpecialTokens special = specialTokens(metadata);
        TokenType[] types = metadata.contains(TOKEN_TYPE_KEY)
                ? TokenizerLoader.storedTypes(metadata, pieces.length)
                : inferTypes(pieces.length, special);
        Vocabulary vocabulary = new Vocabulary(pieces, new float[pieces.length], types);
        return new ByteLevelBpeTokenizer(vocabulary, merges, preTokenizer, special,
                metadata.optionalBoolean(ADD_BOS_KEY).orElse(preTokenizer.addsBosByDefault()),
                metadata.optionalBoolean(ADD_EOS_KEY).orElse(false));
    }

    private static SpecialTokens specialTokens(GgufMetadata metadata) {
        Optional<Integer> bos = metadata.optionalInteger(BOS_KEY);
        Optional<Integer> eos = metadata.optionalInteger(EOS_KEY);
        if (bos.isEmpty() && eos.isEmpty()) {
            throw new TokenizerFormatException("the GGUF metadata has neither " + BOS_KEY + " nor " + EOS_KEY
                    + "; a \"" + BYTE_LEVEL_BPE_MODEL + "\" tokenizer needs at least one");
        }
        return new SpecialTokens(bos.orElseGet(eos::get), eos.orElseGet(bos::get),
                metadata.optionalInteger(UNKNOWN_KEY).orElse(SpecialTokens.NONE));
    }

    private static TokenType[] inferTypes(int count, SpecialTokens special) {
        TokenType[] types = new TokenType[count];
        for (int id = 0; id < count; id++) {
            types[id] = id == special.bos() || id == special.eos() ? TokenType.CONTROL : TokenType.NORMAL;
        }
        return types;
    }
}
