package org.farnode.app.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's alphabet for byte-level BPE: each of the 256 byte values is written as one printable
 * character, so that a vocabulary of byte sequences can be stored as ordinary strings.
 *
 * <p>Bytes that are already printable and not whitespace ({@code '!'..'~'}, {@code '¡'..'¬'},
 * {@code '®'..'ÿ'}) stand for themselves as Latin-1 characters; the other 68 (control characters,
 * space, DEL, no-break space, soft hyphen) take the characters U+0100, U+0101, … in byte order. So a
 * space is {@code Ġ} (U+0120) and a newline {@code Ċ} (U+010A).
 */
public final class ByteUnicode {
    private static final char[] CHAR_OF_BYTE = new char[256];
    /** Indexed by character; -1 where the character is not in the alphabet. */
    private static final int[] BYTE_OF_CHAR;

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            CHAR_OF_BYTE[b] = standsForItself(b) ? (char) b : (char) next++;
        }
        BYTE_OF_CHAR = new int[next];
        Arrays.fill(BYTE_OF_CHAR, -1);
        for (int b = 0; b < 256; b++) {
            BYTE_OF_CHAR[CHAR_OF_BYTE[b]] = b;
        }
    }

    private ByteUnicode() {
    }

    private static boolean standsForItself(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character that stands for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return CHAR_OF_BYTE[b];
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not in the alphabet. */
    public static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /** {@code text}'s UTF-8 bytes, each written as its character. */
    public static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            chars[i] = CHAR_OF_BYTE[utf8[i] & 0xFF];
        }
        return new String(chars);
    }

    /**
     * The bytes that {@code symbols} stands for. A character outside the alphabet (which a well-formed
     * vocabulary does not hold) gives its own UTF-8 bytes, so that nothing is lost.
     */
    public static byte[] decode(String symbols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(symbols.length());
        for (int i = 0; i < symbols.length(); i++) {
            int b = byteOf(symbols.charAt(i));
            if (b >= 0) {
                out.write(b);
            } else {
                int codePoint = symbols.codePointAt(i);
                out.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
        }
        return out.toByteArray();
    }
}
