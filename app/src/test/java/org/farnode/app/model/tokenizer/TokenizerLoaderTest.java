package org.farnode.app.model.tokenizer;

import org.farnode.app.model.gguf.GgufMetadata;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.gguf.GgufValueType;
import org.farnode.app.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Building tokenizers from GGUF metadata and llama2.c files, and the errors that bad input gives. */
class TokenizerLoaderTest {
    @TempDir
    Path temp;

    // ---- GGUF metadata -------------------------------------------------------------------------

    /** Minimal metadata for a SentencePiece vocabulary of {@code <unk> <s> </s> ▁a b}. */
    private static Map<String, GgufValue> spmMetadata() {
        Map<String, GgufValue> entries = new LinkedHashMap<>();
        entries.put(TokenizerLoader.MODEL_KEY, GgufValue.string("llama"));
        entries.put(TokenizerLoader.TOKENS_KEY, GgufValue.array(GgufValueType.STRING, List.of("<unk>", "<s>", "</s>", "▁a", "b")));
        entries.put(TokenizerLoader.SCORES_KEY, GgufValue.array(GgufValueType.FLOAT32, List.of(0f, 0f, 0f, -1f, -2f)));
        entries.put(TokenizerLoader.TOKEN_TYPE_KEY, GgufValue.array(GgufValueType.INT32, List.of(2, 3, 3, 1, 1)));
        return entries;
    }

    private static Tokenizer fromGguf(Map<String, GgufValue> entries) {
        return TokenizerLoader.fromGguf(new GgufMetadata(entries));
    }

    @Test
    void ggufDefaultsFollowLlama() {
        Tokenizer tokenizer = fromGguf(spmMetadata());

        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.addBosToken()).isTrue();
        assertThat(((SentencePieceTokenizer) tokenizer).addSpacePrefix()).isTrue();
        assertThat(tokenizer.encode("ab")).containsExactly(3, 4);
    }

    @Test
    void ggufKeysOverrideTheDefaults() {
        Map<String, GgufValue> entries = spmMetadata();
        entries.put(TokenizerLoader.BOS_KEY, GgufValue.uint32(2));
        entries.put(TokenizerLoader.EOS_KEY, GgufValue.uint32(1));
        entries.put(TokenizerLoader.ADD_BOS_KEY, GgufValue.bool(false));
        entries.put(TokenizerLoader.ADD_SPACE_PREFIX_KEY, GgufValue.bool(false));

        Tokenizer tokenizer = fromGguf(entries);

        assertThat(tokenizer.bosId()).isEqualTo(2);
        assertThat(tokenizer.eosId()).isEqualTo(1);
        assertThat(tokenizer.addBosToken()).isFalse();
        // Without the dummy prefix, "a" alone is not a token: it falls back to <unk> (no byte tokens here).
        assertThat(tokenizer.encode("ab")).containsExactly(0, 4);
        assertThat(tokenizer.encode(" ab")).containsExactly(3, 4);
    }

    @Test
    void missingTokenTypesAreInferred() {
        Map<String, GgufValue> entries = spmMetadata();
        entries.remove(TokenizerLoader.TOKEN_TYPE_KEY);
        entries.put(TokenizerLoader.TOKENS_KEY, GgufValue.array(GgufValueType.STRING, List.of("<unk>", "<s>", "</s>", "▁a", "<0x62>")));

        Tokenizer tokenizer = fromGguf(entries);

        assertThat(tokenizer.tokenType(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(tokenizer.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(tokenizer.tokenType(3)).isEqualTo(TokenType.NORMAL);
        assertThat(tokenizer.tokenType(4)).isEqualTo(TokenType.BYTE);
        assertThat(tokenizer.encode("ab")).containsExactly(3, 4);
    }

    /** Minimal metadata for a byte-level BPE vocabulary: the 256 bytes, "ab", and an end-of-text token. */
    private static Map<String, GgufValue> bpeMetadata() {
        List<String> pieces = new java.util.ArrayList<>();
        for (int b = 0; b < 256; b++) {
            pieces.add(String.valueOf(ByteUnicode.charOf(b)));
        }
        pieces.add("ab");
        pieces.add("<|endoftext|>");
        Map<String, GgufValue> entries = new LinkedHashMap<>();
        entries.put(TokenizerLoader.MODEL_KEY, GgufValue.string("gpt2"));
        entries.put(TokenizerLoader.PRE_KEY, GgufValue.string("gpt-2"));
        entries.put(TokenizerLoader.TOKENS_KEY, GgufValue.array(GgufValueType.STRING, pieces));
        entries.put(TokenizerLoader.MERGES_KEY, GgufValue.array(GgufValueType.STRING, List.of("a b")));
        entries.put(TokenizerLoader.EOS_KEY, GgufValue.uint32(257));
        return entries;
    }

    @Test
    void byteLevelBpeIsReadWithDefaultsForWhatIsMissing() throws IOException {
        Tokenizer tokenizer = fromGguf(bpeMetadata());

        assertThat(tokenizer).isInstanceOf(ByteLevelBpeTokenizer.class);
        assertThat(tokenizer.encode("ab")).containsExactly(256);
        assertThat(tokenizer.bosId()).as("BOS is EOS when only EOS is given").isEqualTo(257);
        assertThat(tokenizer.tokenType(257)).as("without token types, BOS/EOS are control tokens").isEqualTo(TokenType.CONTROL);
        assertThat(tokenizer.addBosToken()).isFalse();
        assertThat(tokenizer.addEosToken()).isFalse();

        Map<String, GgufValue> llama3 = bpeMetadata();
        llama3.put(TokenizerLoader.PRE_KEY, GgufValue.string("llama-bpe"));
        assertThat(fromGguf(llama3).addBosToken()).as("Llama 3 adds BOS unless told otherwise").isTrue();
        llama3.put(TokenizerLoader.ADD_BOS_KEY, GgufValue.bool(false));
        llama3.put(TokenizerLoader.ADD_EOS_KEY, GgufValue.bool(true));
        assertThat(fromGguf(llama3).addBosToken()).isFalse();
        assertThat(fromGguf(llama3).addEosToken()).isTrue();

        Map<String, GgufValue> noPre = bpeMetadata();
        noPre.remove(TokenizerLoader.PRE_KEY);
        assertThat(((ByteLevelBpeTokenizer) fromGguf(noPre)).preTokenizer()).isEqualTo(BpePreTokenizer.GPT2);

        Path gpt2 = SharedData.require("testdata/tokenizers/llama.cpp/ggml-vocab-gpt-2.gguf");
        assertThat(TokenizerLoader.fromGguf(gpt2)).isInstanceOf(ByteLevelBpeTokenizer.class);
    }

    @Test
    void byteLevelBpeNeedsAKnownPreTokenizerMergesAndAnEndToken() {
        Map<String, GgufValue> unknownPre = bpeMetadata();
        unknownPre.put(TokenizerLoader.PRE_KEY, GgufValue.string("tekken"));
        assertThatThrownBy(() -> fromGguf(unknownPre))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("\"tekken\"").hasMessageContaining("llama-bpe");

        Map<String, GgufValue> noMerges = bpeMetadata();
        noMerges.remove(TokenizerLoader.MERGES_KEY);
        assertThatThrownBy(() -> fromGguf(noMerges))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining(TokenizerLoader.MERGES_KEY);

        Map<String, GgufValue> noSpecial = bpeMetadata();
        noSpecial.remove(TokenizerLoader.EOS_KEY);
        assertThatThrownBy(() -> fromGguf(noSpecial))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining(TokenizerLoader.BOS_KEY).hasMessageContaining(TokenizerLoader.EOS_KEY);
    }

    @Test
    void anyOtherTokenizerModelIsReportedAsUnsupported() {
        Map<String, GgufValue> entries = spmMetadata();
        entries.put(TokenizerLoader.MODEL_KEY, GgufValue.string("bert"));
        assertThatThrownBy(() -> fromGguf(entries))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("\"bert\"").hasMessageContaining("SentencePiece").hasMessageContaining("\"gpt2\"");
    }

    @Test
    void missingKeysAreNamed() {
        for (String key : List.of(TokenizerLoader.MODEL_KEY, TokenizerLoader.TOKENS_KEY, TokenizerLoader.SCORES_KEY)) {
            Map<String, GgufValue> entries = spmMetadata();
            entries.remove(key);
            assertThatThrownBy(() -> fromGguf(entries))
                    .as(key)
                    .isInstanceOf(TokenizerFormatException.class)
                    .isNotInstanceOf(UnsupportedTokenizerException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void arraysOfDifferentLengthsAreRejected() {
        Map<String, GgufValue> shortScores = spmMetadata();
        shortScores.put(TokenizerLoader.SCORES_KEY, GgufValue.array(GgufValueType.FLOAT32, List.of(0f, 0f, 0f)));
        assertThatThrownBy(() -> fromGguf(shortScores))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining(TokenizerLoader.SCORES_KEY).hasMessageContaining("3 entries").hasMessageContaining("has 5");

        Map<String, GgufValue> longTypes = spmMetadata();
        longTypes.put(TokenizerLoader.TOKEN_TYPE_KEY, GgufValue.array(GgufValueType.INT32, List.of(2, 3, 3, 1, 1, 1)));
        assertThatThrownBy(() -> fromGguf(longTypes))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining(TokenizerLoader.TOKEN_TYPE_KEY).hasMessageContaining("6 entries");
    }

    @Test
    void badValuesAreRejected() {
        Map<String, GgufValue> badType = spmMetadata();
        badType.put(TokenizerLoader.TOKEN_TYPE_KEY, GgufValue.array(GgufValueType.INT32, List.of(2, 3, 3, 9, 1)));
        assertThatThrownBy(() -> fromGguf(badType))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining(TokenizerLoader.TOKEN_TYPE_KEY + "[3]").hasMessageContaining("9");

        Map<String, GgufValue> badBos = spmMetadata();
        badBos.put(TokenizerLoader.BOS_KEY, GgufValue.uint32(5));
        assertThatThrownBy(() -> fromGguf(badBos))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("BOS token id 5");

        Map<String, GgufValue> numbersAsTokens = spmMetadata();
        numbersAsTokens.put(TokenizerLoader.TOKENS_KEY, GgufValue.array(GgufValueType.INT32, List.of(1, 2, 3, 4, 5)));
        assertThatThrownBy(() -> fromGguf(numbersAsTokens))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining(TokenizerLoader.TOKENS_KEY);
    }

    // ---- llama2.c tokenizer.bin ----------------------------------------------------------------

    /** A llama2.c tokenizer.bin holding {@code pieces}, all scored 0. */
    private static byte[] llama2cFile(int maxTokenLength, String... pieces) {
        ByteBuffer out = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(maxTokenLength);
        for (String piece : pieces) {
            byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
            out.putFloat(0f).putInt(bytes.length).put(bytes);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private Path write(byte[] data) throws IOException {
        return Files.write(temp.resolve("tokenizer.bin"), data);
    }

    @Test
    void llama2cFileIsReadWithSpacesAsMetaSymbols() throws IOException {
        Path file = write(llama2cFile(6, "<unk>", "\n<s>\n", "\n</s>\n", "<0x0A>", " a", "b"));

        SentencePieceTokenizer tokenizer = TokenizerLoader.fromLlama2c(file, 6);

        assertThat(tokenizer.piece(4)).isEqualTo("▁a");
        assertThat(tokenizer.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(tokenizer.tokenType(3)).isEqualTo(TokenType.BYTE);
        assertThat(tokenizer.encode("ab\n")).containsExactly(4, 5, 3);
        assertThat(tokenizer.decode(new int[]{1, 4, 5, 3, 2})).isEqualTo("ab\n");
    }

    @Test
    void truncatedLlama2cFilesAreRejectedWherever() throws IOException {
        byte[] whole = Files.readAllBytes(SharedData.require("models/stories260K/tok512.bin"));
        assertThat(TokenizerLoader.fromLlama2c(write(whole), 512).vocabularySize()).isEqualTo(512);

        for (int length : new int[]{0, 3, 9, 101, whole.length - 1}) {
            Path cut = write(Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(cut))
                    .as("cut to %d bytes", length)
                    .isInstanceOf(TokenizerFormatException.class)
                    .hasMessageContaining("truncated");
        }
        // A cut at a record boundary still parses, but not as the 512 tokens the model needs.
        int firstRecords = 4 + (4 + 4 + 5) + (4 + 4 + 5);
        Path cut = write(Arrays.copyOf(whole, firstRecords + 4 + 4 + 6));
        assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(cut, 512))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("holds 3 tokens but the model needs 512");
    }

    @Test
    void malformedLlama2cFilesAreRejected() throws IOException {
        byte[] negative = llama2cFile(6, "<unk>", "\n<s>\n", "\n</s>\n");
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 4, -7);
        assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(write(negative)))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("token 0").hasMessageContaining("negative length -7");

        assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(write(llama2cFile(0, "<unk>", "<s>", "</s>"))))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("max_token_length is 0");

        assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(write(llama2cFile(6, "<unk>", "<s>"))))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("holds 2 tokens");

        assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(write(llama2cFile(6, "<unk>", "<s>", "</s>", "a")), 3))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("bytes after its 3 tokens");

        byte[] badUtf8 = llama2cFile(6, "<unk>", "<s>", "</s>", "ab");
        badUtf8[badUtf8.length - 1] = (byte) 0xC3;
        assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(write(badUtf8)))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("token 3").hasMessageContaining("UTF-8");

        assertThatThrownBy(() -> TokenizerLoader.fromLlama2c(write(llama2cFile(6, "<unk>", "<s>", "</s>")), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabularySize");
    }
}
