package org.farnode.app.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte-level BPE on a small hand-made vocabulary, where each rule can be seen at work. */
class ByteLevelBpeTokenizerTest {

    /** Ids 0..255 are the single bytes (in the byte alphabet); then the given pieces. */
    private static final class VocabularyBuilder {
        private final List<String> pieces = new ArrayList<>();
        private final List<TokenType> types = new ArrayList<>();
        private final List<String> merges = new ArrayList<>();

        VocabularyBuilder() {
            for (int b = 0; b < 256; b++) {
                add(String.valueOf(ByteUnicode.charOf(b)), TokenType.NORMAL);
            }
        }

        VocabularyBuilder add(String piece, TokenType type) {
            pieces.add(piece);
            types.add(type);
            return this;
        }

        /** Adds merge {@code "left right"} (the next rank) and its result as a normal token. */
        VocabularyBuilder merge(String left, String right) {
            merges.add(left + " " + right);
            if (!pieces.contains(left + right)) {
                add(left + right, TokenType.NORMAL);
            }
            return this;
        }

        int id(String piece) {
            return pieces.indexOf(piece);
        }

        ByteLevelBpeTokenizer build(BpePreTokenizer split) {
            int eos = id("<|endoftext|>");
            Vocabulary vocabulary = new Vocabulary(pieces.toArray(String[]::new), new float[pieces.size()],
                    types.toArray(TokenType[]::new));
            return new ByteLevelBpeTokenizer(vocabulary, merges.toArray(String[]::new), split,
                    new SpecialTokens(eos, eos, SpecialTokens.NONE), split.addsBosByDefault(), false);
        }

        List<String> pieces(int[] ids) {
            return Arrays.stream(ids).mapToObj(pieces::get).toList();
        }
    }

    private static VocabularyBuilder helloVocabulary() {
        return new VocabularyBuilder()
                .add("<|endoftext|>", TokenType.CONTROL)
                .merge("l", "l").merge("h", "e").merge("he", "ll").merge("hell", "o")
                .merge("Ġ", "w").merge("o", "r").merge("Ġw", "or");
    }

    @Test
    void mergesApplyInRankOrder() {
        VocabularyBuilder v = helloVocabulary();
        ByteLevelBpeTokenizer tokenizer = v.build(BpePreTokenizer.GPT2);

        assertThat(v.pieces(tokenizer.encode("hello world"))).containsExactly("hello", "Ġwor", "l", "d");
        assertThat(v.pieces(tokenizer.encode("hel"))).containsExactly("he", "l");
    }

    @Test
    void onEqualRanksTheLeftmostPairMergesFirst() {
        VocabularyBuilder v = new VocabularyBuilder().add("<|endoftext|>", TokenType.CONTROL).merge("a", "a");
        ByteLevelBpeTokenizer tokenizer = v.build(BpePreTokenizer.GPT2);

        assertThat(v.pieces(tokenizer.encode("aaa"))).containsExactly("aa", "a");
        assertThat(v.pieces(tokenizer.encode("aaaaa"))).containsExactly("aa", "aa", "a");
    }

    @Test
    void mergesNeverCrossWords() {
        VocabularyBuilder v = helloVocabulary().merge("o", "Ġ");
        ByteLevelBpeTokenizer tokenizer = v.build(BpePreTokenizer.GPT2);

        assertThat(v.pieces(tokenizer.encode("hello world"))).containsExactly("hello", "Ġwor", "l", "d");
    }

    /** Llama 3 takes a word that is itself a token as that token, even when the merges cannot build it. */
    @Test
    void llama3KeepsWholeWordTokensWithoutMerging() {
        VocabularyBuilder v = new VocabularyBuilder().add("<|endoftext|>", TokenType.CONTROL)
                .add("abc", TokenType.NORMAL).merge("a", "b");

        assertThat(v.pieces(v.build(BpePreTokenizer.GPT2).encode("abc"))).containsExactly("ab", "c");
        assertThat(v.pieces(v.build(BpePreTokenizer.LLAMA3).encode("abc"))).containsExactly("abc");
    }

    @Test
    void controlTokenTextIsParsedOnlyWhenAskedButUserDefinedTextAlways() {
        VocabularyBuilder v = helloVocabulary().add("<tool>", TokenType.USER_DEFINED);
        ByteLevelBpeTokenizer tokenizer = v.build(BpePreTokenizer.GPT2);
        String text = "hello<|endoftext|><tool>";

        assertThat(v.pieces(tokenizer.encodeParsingSpecial(text))).containsExactly("hello", "<|endoftext|>", "<tool>");
        assertThat(v.pieces(tokenizer.encode(text))).startsWith("hello", "<", "|").endsWith("<tool>")
                .doesNotContain("<|endoftext|>");
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
        assertThat(tokenizer.decode(tokenizer.encodeParsingSpecial(text))).as("control tokens have no text").isEqualTo("hello<tool>");
    }

    @Test
    void modelInputAddsBosAndEosAsTheVocabularySays() {
        VocabularyBuilder v = helloVocabulary();
        int eot = v.id("<|endoftext|>");
        ByteLevelBpeTokenizer gpt2 = v.build(BpePreTokenizer.GPT2);
        ByteLevelBpeTokenizer llama3 = v.build(BpePreTokenizer.LLAMA3);

        assertThat(gpt2.encodeAsModelInput("hello")).containsExactly(v.id("hello"));
        assertThat(llama3.encodeAsModelInput("hello")).containsExactly(eot, v.id("hello"));
        assertThat(llama3.encodeAsModelInput("")).containsExactly(eot);
        assertThat(gpt2.encode("")).isEmpty();
    }

    @Test
    void decodingJoinsBytesAcrossTokens() {
        VocabularyBuilder v = helloVocabulary();
        ByteLevelBpeTokenizer tokenizer = v.build(BpePreTokenizer.GPT2);
        int[] llama = tokenizer.encode("🦙!");
        assertThat(llama).hasSize(5);

        StreamingDecoder decoder = tokenizer.streamingDecoder();
        List<String> steps = new ArrayList<>();
        for (int id : llama) {
            steps.add(decoder.accept(id));
        }
        assertThat(steps).containsExactly("", "", "", "🦙", "!");
        assertThat(decoder.accept(llama[0])).isEmpty();
        assertThat(decoder.flush()).as("an incomplete character at the end").isEqualTo("\uFFFD");
        assertThat(tokenizer.decode(new int[]{llama[0], llama[4]})).isEqualTo("\uFFFD!");
        assertThatThrownBy(() -> tokenizer.decode(new int[]{v.pieces.size()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
    }

    @Test
    void aLoneSurrogateIsEncodedAsTheReplacementCharacter() {
        ByteLevelBpeTokenizer tokenizer = helloVocabulary().build(BpePreTokenizer.GPT2);
        assertThat(tokenizer.encode("a\uD83Eb")).containsExactly(tokenizer.encode("a\uFFFDb"));
        assertThat(tokenizer.decode(tokenizer.encode("x\uDC00"))).isEqualTo("x\uFFFD");
    }

    @Test
    void longTextAndLongWordsEncodeAndRoundTrip() {
        ByteLevelBpeTokenizer tokenizer = helloVocabulary().build(BpePreTokenizer.GPT2);
        String text = "hello world ".repeat(2000) + "l".repeat(5001);
        int[] ids = tokenizer.encode(text);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
        assertThat(ids).endsWith(tokenizer.encode("l"));
    }

    @Test
    void mergesThatCannotApplyAreSkippedAndMalformedOnesRejected() {
        VocabularyBuilder v = helloVocabulary();
        v.merges.add("x yz");
        v.merges.add("l l");
        assertThat(v.build(BpePreTokenizer.GPT2).skippedMerges()).isEqualTo(2);

        v.merges.add("lonely");
        assertThatThrownBy(() -> v.build(BpePreTokenizer.GPT2))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("\"lonely\"");
    }

    @Test
    void aMissingByteTokenIsRejectedWithoutAnUnknownToken() {
        VocabularyBuilder v = helloVocabulary();
        v.pieces.set('A', "unused");
        assertThatThrownBy(() -> v.build(BpePreTokenizer.GPT2))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("byte 0x41");
    }
}
