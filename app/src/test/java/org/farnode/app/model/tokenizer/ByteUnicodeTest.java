package org.farnode.app.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** GPT-2's byte alphabet: one printable character per byte, and back. */
class ByteUnicodeTest {

    @Test
    void everyByteHasItsOwnCharacterAndBack() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteUnicode.charOf(b);
            assertThat(seen.add(c)).as("byte %d", b).isTrue();
            assertThat(ByteUnicode.byteOf(c)).isEqualTo(b);
            assertThat(Character.isWhitespace(c) || Character.isISOControl(c)).as("byte %d", b).isFalse();
        }
    }

    @Test
    void printableBytesStandForThemselvesAndTheRestFollowU0100() {
        assertThat(ByteUnicode.charOf('A')).isEqualTo('A');
        assertThat(ByteUnicode.charOf(0xE9)).isEqualTo('é');
        assertThat(ByteUnicode.charOf(0)).isEqualTo('\u0100');
        assertThat(ByteUnicode.charOf(' ')).isEqualTo('Ġ');
        assertThat(ByteUnicode.charOf('\n')).isEqualTo('Ċ');
        assertThat(ByteUnicode.charOf(0xAD)).as("soft hyphen, the last one moved").isEqualTo('\u0143');
        assertThat(ByteUnicode.byteOf('\u0144')).isEqualTo(-1);
        assertThat(ByteUnicode.byteOf('\u4e00')).isEqualTo(-1);
    }

    @Test
    void textRoundTripsThroughItsUtf8() {
        String text = "Hello wörld\n🦙 生活";
        String symbols = ByteUnicode.encode(text);
        assertThat(symbols).startsWith("HelloĠw").hasSize(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(new String(ByteUnicode.decode(symbols), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void charactersOutsideTheAlphabetDecodeToTheirOwnUtf8() {
        assertThat(new String(ByteUnicode.decode("aĠ生"), StandardCharsets.UTF_8)).isEqualTo("a 生");
    }
}
