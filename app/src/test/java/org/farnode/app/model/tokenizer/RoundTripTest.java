package org.farnode.app.model.tokenizer;

import org.farnode.app.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * encode → decode gives the text back, and a streaming decoder gives the same text as
 * {@link Tokenizer#decode}, on the Llama 2 (32,000 tokens) and stories260K (512 tokens) SentencePiece
 * vocabularies and the GPT-2 and StarCoder byte-level BPE vocabularies.
 */
class RoundTripTest {
    private static final List<String> TEXTS = List.of(
            "",
            " ",
            "   ",
            "Hello world",
            " Hello  world   ",
            "\t\ttabs\tand\nnew\r\nlines\n\n",
            "\n",
            "生活的真谛是 — 東京 서울 Привет мир",
            "family 👨‍👩‍👧‍👦, flag 🏳️‍🌈, llama 🦙, skin tone 👍🏽",
            "accents: café naïve Äpfel Cửa Việt e\u0301 (combining)",
            "control bytes \u0000\u0001\u0007\u001b[0m\u007f and a BOM \uFEFF",
            "math 𝔸𝔹ℂ and rare 𐍈 plane-1 letters",
            "<s>not a control token</s> <0x41> <unk>",
            "1234567890 3.14159 -42 1e-5",
            "trailing space ");

    private static Tokenizer llama;
    private static Tokenizer stories;
    private static Tokenizer gpt2;
    private static Tokenizer starcoder;

    @BeforeAll
    static void load() throws IOException {
        llama = TokenizerLoader.fromGguf(SharedData.require("testdata/tokenizers/llama.cpp/ggml-vocab-llama-spm.gguf"));
        stories = TokenizerLoader.fromLlama2c(SharedData.require("models/stories260K/tok512.bin"));
        gpt2 = TokenizerLoader.fromGguf(SharedData.require("testdata/tokenizers/llama.cpp/ggml-vocab-gpt-2.gguf"));
        starcoder = TokenizerLoader.fromGguf(SharedData.require("testdata/tokenizers/llama.cpp/ggml-vocab-starcoder.gguf"));
    }

    @Test
    void encodeThenDecodeGivesTheTextBack() {
        for (Tokenizer tokenizer : List.of(llama, stories, gpt2, starcoder)) {
            for (String text : TEXTS) {
                int[] ids = tokenizer.encode(text);
                assertThat(tokenizer.decode(ids)).as(LlamaCppVocabCases.quote(text)).isEqualTo(text);
                assertThat(tokenizer.decode(tokenizer.encodeWithBos(text))).as(LlamaCppVocabCases.quote(text)).isEqualTo(text);
            }
        }
    }

    @Test
    void streamingDecodingEqualsDecodeOnEncodedText() {
        for (Tokenizer tokenizer : List.of(llama, stories, gpt2, starcoder)) {
            for (String text : TEXTS) {
                int[] ids = tokenizer.encodeWithBos(text);
                assertThat(StreamingDecoderTest.streamed(tokenizer, ids)).as(LlamaCppVocabCases.quote(text)).isEqualTo(text);
            }
        }
    }

    /** The 512-token vocabulary has almost no multi-byte pieces, so non-ASCII text is mostly byte tokens. */
    @Test
    void smallVocabularySpellsNonAsciiTextInBytes() {
        int[] ids = stories.encode("日本");
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(stories.piece(id));
        }
        assertThat(pieces).containsExactly("▁", "<0xE6>", "<0x97>", "<0xA5>", "<0xE6>", "<0x9C>", "<0xAC>");
    }

    @Test
    void randomTextRoundTrips() {
        Random random = new Random(20240611);
        int[] alphabet = " \t\na-éü你好🦙👍\u200d\u0001".codePoints().toArray();
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(30);
            for (int k = 0; k < length; k++) {
                text.appendCodePoint(random.nextInt(4) == 0
                        ? alphabet[random.nextInt(alphabet.length)]
                        : 'a' + random.nextInt(26));
            }
            String s = text.toString();
            for (Tokenizer tokenizer : List.of(llama, stories, gpt2, starcoder)) {
                assertThat(tokenizer.decode(tokenizer.encode(s))).as(LlamaCppVocabCases.quote(s)).isEqualTo(s);
            }
        }
    }

    /**
     * The merge loops are O(n log n): 10 kB of text takes milliseconds (the bound leaves room for slow
     * machines); 10,000 spaces are one word for GPT-2.
     */
    @Test
    void tenKilobytesEncodeQuickly() {
        StringBuilder text = new StringBuilder();
        Random random = new Random(7);
        while (text.length() < 10_000) {
            text.append(TEXTS.get(random.nextInt(TEXTS.size()))).append(' ');
        }
        String input = text.substring(0, 10_000);
        String spaces = " ".repeat(10_000);
        for (Tokenizer tokenizer : List.of(llama, gpt2)) {
            long best = Long.MAX_VALUE;
            for (int run = 0; run < 10; run++) {
                long start = System.nanoTime();
                tokenizer.encode(input);
                tokenizer.encode(spaces);
                best = Math.min(best, System.nanoTime() - start);
            }
            assertThat(best / 1_000_000).as("milliseconds for two 10 kB inputs").isLessThan(250);
            assertThat(tokenizer.decode(tokenizer.encode(input))).isEqualTo(input);
        }
    }
}
