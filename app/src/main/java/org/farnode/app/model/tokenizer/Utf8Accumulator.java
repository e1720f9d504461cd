package org.farnode.app.model.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 that arrives in pieces: each call returns the characters that are complete so far,
 * holding back the first bytes of a character split across pieces. Invalid bytes become U+FFFD.
 * Not thread-safe.
 */
final class Utf8Accumulator {
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes not yet decoded, in read mode. */
    private ByteBuffer pending = ByteBuffer.allocate(0);

    /** Adds {@code bytes} and returns the text that is now complete (maybe empty). */
    String append(byte[] bytes) {
        if (bytes.length == 0) {
            return "";
        }
        ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + bytes.length);
        joined.put(pending).put(bytes).flip();
        pending = joined;
        return decodePending(false);
    }

    /** Returns what is held back, an incomplete character as U+FFFD; later bytes start afresh. */
    String flush() {
        return decodePending(true);
    }

    private String decodePending(boolean endOfInput) {
        // Every char of output needs at least one byte of input, so this buffer never overflows.
        CharBuffer out = CharBuffer.allocate(pending.remaining() + 1);
        CoderResult result = utf8.decode(pending, out, endOfInput);
        if (endOfInput) {
            result = utf8.flush(out);
            utf8.reset();
        }
        assert result.isUnderflow() : result;
        return out.flip().toString();
    }
}
