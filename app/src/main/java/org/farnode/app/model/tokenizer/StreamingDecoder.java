package org.farnode.app.model.tokenizer;

/**
 * Decodes ids one at a time, for printing text while it is generated.
 *
 * <p>The concatenation of every {@link #accept} result and a final {@link #flush()} equals
 * {@link Tokenizer#decode} of the same ids. Bytes of a UTF-8 character that is split across byte
 * tokens are held back until the character is complete. Not thread-safe.
 */
public interface StreamingDecoder {

    /** Takes the next id and returns the text that is complete so far and not yet returned (maybe empty). */
    String accept(int id);

    /**
     * Returns whatever is still held back; an incomplete UTF-8 sequence becomes U+FFFD. The decoder
     * may go on accepting ids afterwards, as a continuation of the same text.
     */
    String flush();
}
