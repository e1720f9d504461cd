package org.farnode.app.model.tokenizer;

import org.farnode.app.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 512-token vocabulary of the stories260K model, read from its GGUF file and from llama2.c's
 * {@code tok512.bin}: both must tokenize alike.
 */
class Stories260kTokenizerTest {
    private static final String DIR = "models/stories260K/";
    /** The first sentence of the model's greedy output (SOURCE.md). */
    private static final String FIRST_SENTENCE = "Once upon a time, there was a little girl named Lily.";

    private static Tokenizer fromGguf;
    private static Tokenizer fromBin;

    @BeforeAll
    static void load() throws IOException {
        fromGguf = TokenizerLoader.fromGguf(SharedData.require(DIR + "stories260K.gguf"));
        fromBin = TokenizerLoader.fromLlama2c(SharedData.require(DIR + "tok512.bin"), 512);
    }

    @Test
    void bothFilesDescribeTheSameVocabulary() {
        assertThat(fromGguf.vocabularySize()).isEqualTo(512);
        assertThat(fromBin.vocabularySize()).isEqualTo(512);
        for (int id = 0; id < 512; id++) {
            assertThat(fromBin.tokenType(id)).as("type of %d", id).isEqualTo(fromGguf.tokenType(id));
            if (id != 1 && id != 2) {
                assertThat(fromBin.piece(id)).as("piece %d", id).isEqualTo(fromGguf.piece(id));
            }
        }
        // The only difference between the files: llama2.c stores BOS/EOS with newlines around them.
        assertThat(fromGguf.piece(1)).isEqualTo("<s>");
        assertThat(fromBin.piece(1)).isEqualTo("\n<s>\n");
        assertThat(fromBin.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(fromBin.tokenType(2)).isEqualTo(TokenType.CONTROL);
        assertThat(fromBin.tokenType(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(fromBin.tokenType(3)).isEqualTo(TokenType.BYTE);
        assertThat(fromBin.piece(259)).isEqualTo("▁t");
        assertThat(((SentencePieceTokenizer) fromBin).score(261)).isEqualTo(-2.0f);
        assertThat(fromBin.bosId()).isEqualTo(fromGguf.bosId()).isEqualTo(1);
        assertThat(fromBin.eosId()).isEqualTo(fromGguf.eosId()).isEqualTo(2);
    }

    @Test
    void firstSentenceOfTheGreedyStoryEncodesAsTheModelWroteIt() {
        int[] expected = {403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426};

        assertThat(fromGguf.encode(FIRST_SENTENCE)).containsExactly(expected);
        assertThat(fromBin.encode(FIRST_SENTENCE)).containsExactly(expected);
        assertThat(fromGguf.piece(403)).isEqualTo("▁Once");
        assertThat(fromBin.decode(fromBin.encodeWithBos(FIRST_SENTENCE))).isEqualTo(FIRST_SENTENCE);
    }

    @Test
    void bothLoadersGiveTheSameIdsOnVariedText() {
        List<String> texts = List.of(
                "",
                " ",
                "Once upon a time",
                "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do.",
                "  two leading spaces and trailing   ",
                "tabs\tand\nnewlines\r\n\n",
                "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich.",
                "生活的真谛是 🦙 👨‍👩‍👧‍👦 ₹8",
                "control \u0001\u0007\u001f bytes and \u007f",
                "The year 2023: 100% [done] ~ {ok} | <s> </s> <0x41>");
        for (String text : texts) {
            int[] ids = fromGguf.encode(text);
            assertThat(fromBin.encode(text)).as(LlamaCppVocabCases.quote(text)).containsExactly(ids);
            assertThat(fromGguf.decode(ids)).as(LlamaCppVocabCases.quote(text)).isEqualTo(text);
            assertThat(fromBin.decode(ids)).as(LlamaCppVocabCases.quote(text)).isEqualTo(text);
        }
    }

    @Test
    void greedyStoryDecodesFromIdsThatBothLoadersProduce() {
        String story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park."
                + " One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
                + "Lily's mom said, \"Lily, let's go to the park.\"";
        int[] ids = fromBin.encodeWithBos(story);
        assertThat(fromGguf.encodeWithBos(story)).containsExactly(ids);
        assertThat(ids[0]).isEqualTo(1);
        // The newline is no piece of this vocabulary: it falls back to the byte token <0x0A>.
        assertThat(ids).contains(13);
        assertThat(fromBin.piece(13)).isEqualTo("<0x0A>");
        assertThat(fromGguf.decode(ids)).isEqualTo(story);
    }
}
