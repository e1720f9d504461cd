package org.farnode.app.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SentencePiece algorithm on small hand-made vocabularies, where each rule can be seen at work. */
class SentencePieceTokenizerTest {

    /** Builds a vocabulary of {@code <unk>}, {@code <s>}, {@code </s>}, optionally 256 byte tokens, then the given pieces. */
    private static final class VocabularyBuilder {
        private final List<String> pieces = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        private final List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        private final List<TokenType> types = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL));

        VocabularyBuilder withByteTokens() {
            for (int b = 0; b < 256; b++) {
                add(String.format("<0x%02X>", b), 0, TokenType.BYTE);
            }
            return this;
        }

        VocabularyBuilder add(String piece, float score, TokenType type) {
            pieces.add(piece);
            scores.add(score);
            types.add(type);
            return this;
        }

        VocabularyBuilder add(String piece, float score) {
            return add(piece, score, TokenType.NORMAL);
        }

        int id(String piece) {
            int id = pieces.indexOf(piece);
            assertThat(id).as("piece %s", piece).isNotNegative();
            return id;
        }

        SentencePieceTokenizer build(boolean addSpacePrefix) {
            float[] scoreArray = new float[scores.size()];
            for (int i = 0; i < scoreArray.length; i++) {
                scoreArray[i] = scores.get(i);
            }
            Vocabulary vocabulary = new Vocabulary(pieces.toArray(String[]::new), scoreArray, types.toArray(TokenType[]::new));
            return new SentencePieceTokenizer(vocabulary, SpecialTokens.LLAMA_DEFAULTS, addSpacePrefix, true);
        }

        /** The pieces of {@code ids}, for readable assertions. */
        List<String> pieces(int[] ids) {
            List<String> out = new ArrayList<>();
            for (int id : ids) {
                out.add(pieces.get(id));
            }
            return out;
        }
    }

    private static VocabularyBuilder letters() {
        return new VocabularyBuilder().withByteTokens().add("▁", -10).add("a", -10).add("b", -10).add("c", -10);
    }

    @Test
    void thePairWhoseTokenScoresHighestMergesFirst() {
        VocabularyBuilder bcFirst = letters().add("ab", -5).add("bc", -1);
        assertThat(bcFirst.pieces(bcFirst.build(false).encode("abc"))).containsExactly("a", "bc");

        VocabularyBuilder abFirst = letters().add("ab", -1).add("bc", -5);
        assertThat(abFirst.pieces(abFirst.build(false).encode("abc"))).containsExactly("ab", "c");
    }

    @Test
    void onEqualScoresTheLeftmostPairMergesFirst() {
        VocabularyBuilder vocabulary = letters().add("aa", -1);
        assertThat(vocabulary.pieces(vocabulary.build(false).encode("aaa"))).containsExactly("aa", "a");
        assertThat(vocabulary.pieces(vocabulary.build(false).encode("aaaaa"))).containsExactly("aa", "aa", "a");
    }

    @Test
    void aTokenIsReachedOnlyThroughTokenPairsNotByLongestMatch() {
        VocabularyBuilder noPath = letters().add("abc", 0);
        assertThat(noPath.pieces(noPath.build(false).encode("abc"))).containsExactly("a", "b", "c");

        VocabularyBuilder path = letters().add("abc", 0).add("bc", -3);
        assertThat(path.pieces(path.build(false).encode("abc"))).containsExactly("abc");
    }

    @Test
    void spacesBecomeMetaSymbolsAndTheDummyPrefixIsAdded() {
        VocabularyBuilder vocabulary = letters().add("▁a", -2).add("▁▁", -1);
        SentencePieceTokenizer tokenizer = vocabulary.build(true);

        assertThat(vocabulary.pieces(tokenizer.encode("a"))).containsExactly("▁a");
        assertThat(vocabulary.pieces(tokenizer.encode("a a"))).containsExactly("▁a", "▁a");
        assertThat(vocabulary.pieces(tokenizer.encode(" a"))).containsExactly("▁▁", "a");
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.decode(tokenizer.encode(" a"))).isEqualTo(" a");

        SentencePieceTokenizer noPrefix = vocabulary.build(false);
        assertThat(vocabulary.pieces(noPrefix.encode("a a"))).containsExactly("a", "▁a");
        assertThat(noPrefix.decode(noPrefix.encode(" a"))).isEqualTo(" a");
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToUtf8ByteTokens() {
        VocabularyBuilder vocabulary = letters();
        SentencePieceTokenizer tokenizer = vocabulary.build(false);

        assertThat(vocabulary.pieces(tokenizer.encode("aé🦙"))).containsExactly(
                "a", "<0xC3>", "<0xA9>", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>");
        assertThat(tokenizer.decode(tokenizer.encode("aé🦙"))).isEqualTo("aé🦙");
    }

    @Test
    void withoutByteTokensEachUnknownCharacterIsTheUnknownToken() {
        VocabularyBuilder vocabulary = new VocabularyBuilder().add("a", -1);
        SentencePieceTokenizer tokenizer = vocabulary.build(false);

        assertThat(tokenizer.encode("aéa🦙")).containsExactly(vocabulary.id("a"), 0, vocabulary.id("a"), 0);
        assertThat(tokenizer.decode(new int[]{vocabulary.id("a"), 0})).isEqualTo("a ⁇ ");
    }

    @Test
    void specialTokenTextIsEncodedAsPlainText() {
        VocabularyBuilder vocabulary = letters().add("<", -10).add("s", -10).add(">", -10).add("<s", -1);
        SentencePieceTokenizer tokenizer = vocabulary.build(false);

        // "<s" + ">" joins to the text of control token 1, which encoding never produces.
        assertThat(vocabulary.pieces(tokenizer.encode("<s>"))).containsExactly("<s", ">");
    }

    @Test
    void unusedTokensAreNeverProduced() {
        VocabularyBuilder vocabulary = letters().add("ab", -1, TokenType.UNUSED);
        assertThat(vocabulary.pieces(vocabulary.build(false).encode("ab"))).containsExactly("a", "b");
    }

    @Test
    void userDefinedPiecesAreKeptWholeAndDoNotMergeWithNeighbours() {
        VocabularyBuilder vocabulary = letters()
                .add("<", -10).add("|", -10).add(">", -10).add("a<", -1).add("<|", -1)
                .add("<|a|>", 0, TokenType.USER_DEFINED).add("<|", 0, TokenType.USER_DEFINED);
        SentencePieceTokenizer tokenizer = vocabulary.build(false);

        assertThat(vocabulary.pieces(tokenizer.encode("a<|a|>b"))).containsExactly("a", "<|a|>", "b");
        // The longest user-defined piece wins; the shorter "<|" applies where the longer does not match.
        assertThat(vocabulary.pieces(tokenizer.encode("a<|b"))).containsExactly("a", "<|", "b");
        assertThat(tokenizer.decode(tokenizer.encode("a<|a|>b"))).isEqualTo("a<|a|>b");
    }

    @Test
    void anUnpairedSurrogateIsEncodedAsTheReplacementCharacter() {
        SentencePieceTokenizer tokenizer = letters().build(false);
        assertThat(tokenizer.decode(tokenizer.encode("a\uD800b"))).isEqualTo("a\uFFFDb");
    }

    @Test
    void decodingRestoresSpacesAssemblesBytesAndSkipsControlTokens() {
        VocabularyBuilder vocabulary = letters().add("▁a", -1).add("▁▁", -1);
        SentencePieceTokenizer tokenizer = vocabulary.build(true);
        int a = vocabulary.id("▁a");
        int spaces = vocabulary.id("▁▁");
        int bos = 1;
        int eos = 2;

        assertThat(tokenizer.decode(new int[]{bos, a, a, eos})).isEqualTo("a a");
        assertThat(tokenizer.decode(new int[]{spaces, a})).isEqualTo("  a");
        // Byte tokens are raw UTF-8: three of them form one CJK character; a lone lead byte is invalid.
        assertThat(tokenizer.decode(new int[]{a, 3 + 0xE4, 3 + 0xBD, 3 + 0xA0})).isEqualTo("a你");
        assertThat(tokenizer.decode(new int[]{3 + 0xE4, a})).isEqualTo("\uFFFD a");
        // The dummy-prefix space is dropped at the start and after each BOS.
        assertThat(tokenizer.decode(new int[]{a, bos, a})).isEqualTo("aa");
        assertThat(tokenizer.decode(new int[]{})).isEmpty();
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() {
        SentencePieceTokenizer tokenizer = letters().build(true);
        int size = tokenizer.vocabularySize();

        assertThatThrownBy(() -> tokenizer.decode(new int[]{5, size}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id " + size).hasMessageContaining("0.." + (size - 1));
        assertThatThrownBy(() -> tokenizer.piece(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokenizer.streamingDecoder().accept(size)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeWithBosPutsBosFirst() {
        VocabularyBuilder vocabulary = letters().add("▁a", -1);
        SentencePieceTokenizer tokenizer = vocabulary.build(true);

        assertThat(tokenizer.encodeWithBos("a")).containsExactly(1, vocabulary.id("▁a"));
        assertThat(tokenizer.encodeWithBos("")).containsExactly(1);
    }

    @Test
    void aByteTokenThatIsNotWrittenAsAByteIsRejected() {
        VocabularyBuilder vocabulary = letters().add("<0xZZ>", 0, TokenType.BYTE);
        assertThatThrownBy(() -> vocabulary.build(true))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("<0xZZ>").hasMessageContaining("BYTE");
    }

    @Test
    void byteTokenTextIsAsciiHexInEitherCase() {
        assertThat(SentencePieceTokenizer.parseByteToken("<0x0A>")).isEqualTo(10);
        assertThat(SentencePieceTokenizer.parseByteToken("<0xff>")).isEqualTo(255);
        assertThat(SentencePieceTokenizer.parseByteToken("<0x\u0661\u0662>")).isEqualTo(-1);
        assertThat(SentencePieceTokenizer.parseByteToken("<0x0G>")).isEqualTo(-1);
        assertThat(SentencePieceTokenizer.parseByteToken("<0x0A")).isEqualTo(-1);
    }

    @Test
    void specialIdsMustLieInTheVocabulary() {
        Vocabulary vocabulary = new Vocabulary(new String[]{"<unk>", "<s>"}, new float[2],
                new TokenType[]{TokenType.UNKNOWN, TokenType.CONTROL});
        assertThatThrownBy(() -> new SentencePieceTokenizer(vocabulary, SpecialTokens.LLAMA_DEFAULTS, true, true))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("EOS token id 2");
    }
}
