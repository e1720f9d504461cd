package org.farnode.app.model.tokenizer;

import org.farnode.app.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StreamingDecoder}: text appears as soon as it is complete, and all of it equals {@link Tokenizer#decode}. */
class StreamingDecoderTest {
    /** Byte tokens of the Llama vocabulary: {@code <0xNN>} is id {@code 3 + NN}. */
    private static final int BYTE_BASE = 3;

    private static Tokenizer llama;

    @BeforeAll
    static void load() throws IOException {
        llama = TokenizerLoader.fromGguf(SharedData.require("testdata/tokenizers/llama.cpp/ggml-vocab-llama-spm.gguf"));
    }

    /** Every {@code accept} result followed by {@code flush()}, joined. */
    static String streamed(Tokenizer tokenizer, int[] ids) {
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            text.append(decoder.accept(id));
        }
        return text.append(decoder.flush()).toString();
    }

    private static List<String> steps(StreamingDecoder decoder, int... ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(decoder.accept(id));
        }
        return out;
    }

    @Test
    void theLeadingSpaceOfTheFirstPieceAfterBosIsDropped() {
        int hello = llama.encode("Hello")[0];
        int world = llama.encode("world")[0];
        assertThat(llama.piece(hello)).isEqualTo("▁Hello");

        assertThat(steps(llama.streamingDecoder(), 1, hello, world, 2)).containsExactly("", "Hello", " world", "");
        assertThat(steps(llama.streamingDecoder(), hello, world)).containsExactly("Hello", " world");
    }

    @Test
    void aCharacterSplitAcrossByteTokensAppearsWhenComplete() {
        // 🦙 is U+1F999, F0 9F A6 99 in UTF-8, and has no piece of its own.
        int[] ids = llama.encode("a🦙b");
        assertThat(ids).containsSubsequence(BYTE_BASE + 0xF0, BYTE_BASE + 0x9F, BYTE_BASE + 0xA6, BYTE_BASE + 0x99);

        List<String> out = steps(llama.streamingDecoder(), ids);

        assertThat(out).containsExactly("a", "", "", "", "🦙", "b");
    }

    @Test
    void anIncompleteCharacterIsFlushedAsTheReplacementCharacter() {
        StreamingDecoder decoder = llama.streamingDecoder();
        assertThat(decoder.accept(BYTE_BASE + 0xE4)).isEmpty();
        assertThat(decoder.accept(BYTE_BASE + 0xBD)).isEmpty();
        assertThat(decoder.flush()).isEqualTo("\uFFFD");
        assertThat(llama.decode(new int[]{BYTE_BASE + 0xE4, BYTE_BASE + 0xBD})).isEqualTo("\uFFFD");
        // After a flush the decoder goes on; the dummy-prefix space was already dealt with.
        assertThat(decoder.accept(llama.encode("Hello")[0])).isEqualTo(" Hello");
    }

    @Test
    void invalidBytesBecomeReplacementCharactersWithoutWaiting() {
        StreamingDecoder decoder = llama.streamingDecoder();
        // A lone continuation byte can never become valid, so it is replaced at once.
        assertThat(decoder.accept(BYTE_BASE + 0x80)).isEqualTo("\uFFFD");
        // E0 80 is no valid prefix (E0 needs A0..BF next): E0 is replaced, then 80.
        assertThat(decoder.accept(BYTE_BASE + 0xE0)).isEmpty();
        assertThat(decoder.accept(BYTE_BASE + 0x80)).isEqualTo("\uFFFD\uFFFD");
        assertThat(decoder.flush()).isEmpty();
    }

    /** Random mixes of byte, text and control tokens: the streamed text must equal decode, byte for byte. */
    @Test
    void streamingEqualsDecodeOnRandomTokenSequences() {
        Random random = new Random(42);
        int[] textTokens = llama.encode("Hello world, 你好 ünïcödé");
        for (int i = 0; i < 3000; i++) {
            int[] ids = new int[random.nextInt(24)];
            for (int k = 0; k < ids.length; k++) {
                int kind = random.nextInt(10);
                if (kind < 6) {
                    ids[k] = BYTE_BASE + pickByte(random);
                } else if (kind < 9) {
                    ids[k] = textTokens[random.nextInt(textTokens.length)];
                } else {
                    ids[k] = random.nextInt(3);
                }
            }
            assertThat(streamed(llama, ids)).as("ids %s", java.util.Arrays.toString(ids)).isEqualTo(llama.decode(ids));
        }
    }

    /** Bytes that tend to form valid, incomplete and invalid UTF-8 sequences. */
    private static int pickByte(Random random) {
        int[] interesting = {0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
        return random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : random.nextInt(256);
    }
}
