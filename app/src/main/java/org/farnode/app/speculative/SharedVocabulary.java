package org.farnode.app.speculative;

import org.farnode.app.model.tokenizer.TokenType;
import org.farnode.app.model.tokenizer.Tokenizer;

/**
 * The check that a draft model speaks the target's token ids. Drafts travel as ids, and the target
 * reads each id in its own vocabulary, so a draft model with another vocabulary would propose
 * tokens that mean something else to the target: they would be rejected round after round (or,
 * worse, accepted as different text than the drafter meant). Same size, same type for every id,
 * the same piece for every id that has text, and the same BOS and EOS ids make an id mean the same
 * token to both. A control token has no text, so its stored piece is not compared: the llama2.c
 * tokenizer of stories260K stores BOS as {@code "\n<s>\n"} where the GGUF of the same model stores
 * {@code "<s>"}, and both mean BOS.
 */
final class SharedVocabulary {
    private SharedVocabulary() {
    }

    /**
     * @param draftHeadRows rows of the draft model's LM head, the ids it can propose
     * @throws IllegalArgumentException naming the first difference
     */
    static void require(Tokenizer target, Tokenizer draft, int draftHeadRows) {
        int size = target.vocabularySize();
        if (draft.vocabularySize() != size || draftHeadRows != size) {
            throw new IllegalArgumentException("the draft model's vocabulary has " + draft.vocabularySize() + " tokens ("
                    + draftHeadRows + " LM head rows) but the target's has " + size
                    + "; a draft model must use the target's tokenizer");
        }
        if (draft.bosId() != target.bosId() || draft.eosId() != target.eosId()) {
            throw new IllegalArgumentException("the draft model's BOS and EOS are tokens " + draft.bosId() + " and " + draft.eosId()
                    + " but the target's are " + target.bosId() + " and " + target.eosId()
                    + "; a draft model must use the target's tokenizer");
        }
        for (int id = 0; id < size; id++) {
            TokenType type = target.tokenType(id);
            if (draft.tokenType(id) != type || type != TokenType.CONTROL && !draft.piece(id).equals(target.piece(id))) {
                throw new IllegalArgumentException("token " + id + " is '" + draft.piece(id) + "' (" + draft.tokenType(id)
                        + ") in the draft model's vocabulary but '" + target.piece(id) + "' (" + target.tokenType(id)
                        + ") in the target's; a draft model must use the target's tokenizer");
            }
        }
    }
}
