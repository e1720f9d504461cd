package org.farnode.app.model.tokenizer;

import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufFormatException;
import org.farnode.app.model.gguf.GgufMetadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link Tokenizer} from the vocabulary stored in a GGUF file or in a llama2.c
 * {@code tokenizer.bin}.
 *
 * <p>Malformed data gives a {@link TokenizerFormatException} that names the source and the
 * problem; a tokenizer kind this program does not implement gives an
 * {@link UnsupportedTokenizerException}.
 */
public final class TokenizerLoader {
    public static final String MODEL_KEY = "tokenizer.ggml.model";
    public static final String TOKENS_KEY = "tokenizer.ggml.tokens";
    public static final String SCORES_KEY = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPE_KEY = "tokenizer.ggml.token_type";
    public static final String BOS_KEY = "tokenizer.ggml.bos_token_id";
    public static final String EOS_KEY = "tokenizer.ggml.eos_token_id";
    public static final String UNKNOWN_KEY = "tokenizer.ggml.unknown_token_id";
    public static final String ADD_BOS_KEY = "tokenizer.ggml.add_bos_token";
    public static final String ADD_EOS_KEY = "tokenizer.ggml.add_eos_token";
    public static final String ADD_SPACE_PREFIX_KEY = "tokenizer.ggml.add_space_prefix";
    public static final String MERGES_KEY = "tokenizer.ggml.merges";
    public static final String PRE_KEY = "tokenizer.ggml.pre";

    /** The {@value #MODEL_KEY} value of SentencePiece vocabularies (Llama 1/2, TinyLlama). */
    public static final String SENTENCEPIECE_MODEL = "llama";
    /** The {@value #MODEL_KEY} value of byte-level BPE vocabularies (GPT-2, Llama 3, Qwen2, StarCoder, SmolLM). */
    public static final String BYTE_LEVEL_BPE_MODEL = "gpt2";

    private TokenizerLoader() {
    }

    /** Opens the GGUF file at {@code path} and builds its tokenizer; see {@link #fromGguf(GgufMetadata)}. */
    public static Tokenizer fromGguf(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            return fromGguf(file.metadata());
        } catch (UnsupportedTokenizerException e) {
            throw new UnsupportedTokenizerException(path + ": " + e.getMessage());
        } catch (TokenizerFormatException e) {
            throw new TokenizerFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tokenizer that GGUF metadata describes. {@value #MODEL_KEY} picks the algorithm:
     * {@value #BYTE_LEVEL_BPE_MODEL} is read by {@link ByteLevelBpeLoader}; {@value #SENTENCEPIECE_MODEL}
     * (SentencePiece) reads {@value #TOKENS_KEY} and {@value #SCORES_KEY} (required, equal lengths),
     * {@value #TOKEN_TYPE_KEY} (optional, else inferred as for llama2.c files), the BOS/EOS/unknown ids
     * (default 1/2/0), {@value #ADD_BOS_KEY} (default true), {@value #ADD_EOS_KEY} (default false) and
     * {@value #ADD_SPACE_PREFIX_KEY} (default true).
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        String model = metadata.optionalString(MODEL_KEY).orElseThrow(() -> new TokenizerFormatException(
                "the GGUF metadata has no " + MODEL_KEY + ", so it does not say which tokenizer to build"));
        try {
            return switch (model) {
                case SENTENCEPIECE_MODEL -> sentencePieceFromGguf(metadata);
                case BYTE_LEVEL_BPE_MODEL -> ByteLevelBpeLoader.fromGguf(metadata);
                default -> throw new UnsupportedTokenizerException("tokenizer model \"" + model + "\" (" + MODEL_KEY
                        + ") is not supported; supported: \"" + SENTENCEPIECE_MODEL + "\" (SentencePiece, as in Llama 1/2 and TinyLlama), \""
                        + BYTE_LEVEL_BPE_MODEL + "\" (byte-level BPE, as in GPT-2, Llama 3, Qwen2, StarCoder and SmolLM)");
            };
        } catch (GgufFormatException e) {
            throw new TokenizerFormatException("the GGUF tokenizer metadata is malformed: " + e.getMessage(), e);
        }
    }

    private static SentencePieceTokenizer sentencePieceFromGguf(GgufMetadata metadata) {
        requireKey(metadata, TOKENS_KEY, SENTENCEPIECE_MODEL);
        requireKey(metadata, SCORES_KEY, SENTENCEPIECE_MODEL);
        String[] pieces = metadata.stringArray(TOKENS_KEY);
        float[] scores = metadata.floatArray(SCORES_KEY);
        if (scores.length != pieces.length) {
            throw new TokenizerFormatException(SCORES_KEY + " has " + scores.length + " entries but " + TOKENS_KEY
                    + " has " + pieces.length + "; there must be one score per token");
        }
        SpecialTokens special = new SpecialTokens(
                metadata.optionalInteger(BOS_KEY).orElse(SpecialTokens.LLAMA_DEFAULTS.bos()),
                metadata.optionalInteger(EOS_KEY).orElse(SpecialTokens.LLAMA_DEFAULTS.eos()),
                metadata.optionalInteger(UNKNOWN_KEY).orElse(SpecialTokens.LLAMA_DEFAULTS.unknown()));
        TokenType[] types = metadata.contains(TOKEN_TYPE_KEY) ? storedTypes(metadata, pieces.length) : inferTypes(pieces, special);
        return new SentencePieceTokenizer(new Vocabulary(pieces, scores, types), special,
                metadata.optionalBoolean(ADD_SPACE_PREFIX_KEY).orElse(true),
                metadata.optionalBoolean(ADD_BOS_KEY).orElse(true),
                metadata.optionalBoolean(ADD_EOS_KEY).orElse(false));
    }

    /** The {@value #TOKEN_TYPE_KEY} array, which must have {@code tokenCount} valid codes. */
    static TokenType[] storedTypes(GgufMetadata metadata, int tokenCount) {
        int[] codes = metadata.intArray(TOKEN_TYPE_KEY);
        if (codes.length != tokenCount) {
            throw new TokenizerFormatException(TOKEN_TYPE_KEY + " has " + codes.length + " entries but " + TOKENS_KEY
                    + " has " + tokenCount + "; there must be one type per token");
        }
        TokenType[] types = new TokenType[codes.length];
        for (int id = 0; id < codes.length; id++) {
            try {
                types[id] = TokenType.ofCode(codes[id]);
            } catch (TokenizerFormatException e) {
                throw new TokenizerFormatException(TOKEN_TYPE_KEY + "[" + id + "]: " + e.getMessage());
            }
        }
        return types;
    }

    static void requireKey(GgufMetadata metadata, String key, String model) {
        if (!metadata.contains(key)) {
            throw new TokenizerFormatException("the GGUF metadata has no " + key + ", which a \""
                    + model + "\" tokenizer needs");
        }
    }

    /**
     * Token types for a vocabulary that stores none: the unknown id is {@link TokenType#UNKNOWN}, BOS
     * and EOS are {@link TokenType#CONTROL}, {@code <0xNN>} pieces are {@link TokenType#BYTE}, the rest
     * {@link TokenType#NORMAL}.
     */
    static TokenType[] inferTypes(String[] pieces, SpecialTokens special) {
        TokenType[] types = new TokenType[pieces.length];
        for (int id = 0; id < pieces.length; id++) {
            if (id == special.unknown()) {
                types[id] = TokenType.UNKNOWN;
            } else if (id == special.bos() || id == special.eos()) {
                types[id] = TokenType.CONTROL;
            } else if (SentencePieceTokenizer.parseByteToken(pieces[id]) >= 0) {
                types[id] = TokenType.BYTE;
            } else {
                types[id] = TokenType.NORMAL;
            }
        }
        return types;
    }

    /** The llama2.c {@code tokenizer.bin} at {@code path}, with as many tokens as the file holds. */
    public static SentencePieceTokenizer fromLlama2c(Path path) throws IOException {
        return fromLlama2c(Files.readAllBytes(path), path.toString(), -1);
    }

    /**
     * The llama2.c {@code tokenizer.bin} at {@code path}, which must hold exactly
     * {@code vocabularySize} tokens (the model header's {@code vocab_size}).
     */
    public static SentencePieceTokenizer fromLlama2c(Path path, int vocabularySize) throws IOException {
        if (vocabularySize <= 0) {
            throw new IllegalArgumentException("vocabularySize must be positive but is " + vocabularySize);
        }
        return fromLlama2c(Files.readAllBytes(path), path.toString(), vocabularySize);
    }

    /**
     * Reads a llama2.c {@code tokenizer.bin}, all little-endian:
     * <pre>
     * i32 max_token_length
     * then per token, to the end of the data:  f32 score | i32 length | length bytes of UTF-8
     * </pre>
     * Ids 0, 1, 2 are unknown, BOS and EOS (stored as {@code "<unk>"}, {@code "\n<s>\n"},
     * {@code "\n</s>\n"}); {@code <0xNN>} pieces are byte tokens; a space in a piece is SentencePiece's
     * {@code ▁}, so {@link Tokenizer#piece} returns it as {@code ▁}.
     *
     * @param source         names the data in error messages
     * @param vocabularySize the token count to expect, or -1 to take all the data holds
     */
    static SentencePieceTokenizer fromLlama2c(byte[] data, String source, int vocabularySize) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < Integer.BYTES) {
            throw new TokenizerFormatException(source + " is truncated: it has " + data.length
                    + " bytes, too few for the max_token_length header");
        }
        int maxTokenLength = in.getInt();
        if (maxTokenLength <= 0) {
            throw new TokenizerFormatException(source + ": max_token_length is " + maxTokenLength
                    + "; a llama2.c tokenizer.bin starts with a positive int32");
        }
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        var utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        while (in.hasRemaining() && (vocabularySize < 0 || pieces.size() < vocabularySize)) {
            int id = pieces.size();
            int recordStart = in.position();
            if (in.remaining() < Float.BYTES + Integer.BYTES) {
                throw truncated(source, id, recordStart, data.length);
            }
            float score = in.getFloat();
            int length = in.getInt();
            if (length < 0) {
                throw new TokenizerFormatException(source + ": token " + id + " (at byte " + recordStart
                        + ") has a negative length " + length);
            }
            if (length > in.remaining()) {
                throw truncated(source, id, recordStart, data.length);
            }
            ByteBuffer bytes = in.slice(in.position(), length);
            in.position(in.position() + length);
            try {
                pieces.add(utf8.decode(bytes).toString().replace(' ', SentencePieceTokenizer.SPACE_SYMBOL));
            } catch (CharacterCodingException e) {
                throw new TokenizerFormatException(source + ": token " + id + " (at byte " + recordStart
                        + ") is not valid UTF-8", e);
            }
            scores.add(score);
        }
        if (vocabularySize >= 0 && pieces.size() < vocabularySize) {
            throw new TokenizerFormatException(source + " is truncated: it holds " + pieces.size()
                    + " tokens but the model needs " + vocabularySize);
        }
        if (in.hasRemaining()) {
            throw new TokenizerFormatException(source + " has " + in.remaining() + " bytes after its "
                    + vocabularySize + " tokens");
        }
        if (pieces.size() < 3) {
            throw new TokenizerFormatException(source + " holds " + pieces.size()
                    + " tokens; a llama2.c tokenizer has at least <unk>, BOS and EOS");
        }
        String[] pieceArray = pieces.toArray(String[]::new);
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
        }
        SpecialTokens special = SpecialTokens.LLAMA_DEFAULTS;
        Vocabulary vocabulary = new Vocabulary(pieceArray, scoreArray, inferTypes(pieceArray, special));
        return new SentencePieceTokenizer(vocabulary, special, true, true);
    }

    private static TokenizerFormatException truncated(String source, int id, int recordStart, int size) {
        return new TokenizerFormatException(source + " is truncated: token " + id + " starts at byte " + recordStart
                + " but the data ends at byte " + size);
    }
}
