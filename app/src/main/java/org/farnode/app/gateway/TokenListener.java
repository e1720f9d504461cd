package org.farnode.app.gateway;

/** Receives generated tokens as they are produced, with the text they complete (possibly empty). */
@FunctionalInterface
public interface TokenListener {
    void onToken(int tokenId, String text);
}
