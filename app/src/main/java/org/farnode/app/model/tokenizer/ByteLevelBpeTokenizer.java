package org.farnode.app.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The byte-level BPE tokenizer of GPT-2, Llama 3, Qwen2, StarCoder and SmolLM
 * ({@code tokenizer.ggml.model = "gpt2"}).
 *
 * <p>Encoding:
 * <ol>
 *   <li>the text of each {@link TokenType#USER_DEFINED} token is kept whole wherever it occurs
 *       (with {@link #encodeParsingSpecial}, also that of control and unknown tokens);</li>
 *   <li>the rest is split into words by the vocabulary's {@link BpePreTokenizer};</li>
 *   <li>each word's UTF-8 bytes become one token each, written in GPT-2's {@link ByteUnicode}
 *       alphabet as the vocabulary is;</li>
 *   <li>the {@link BpeMerger} joins adjacent tokens by merge rank. For Llama 3, a word that is itself
 *       a token is that token, without merging.</li>
 * </ol>
 * Encoding a word does not depend on its neighbours, so the tokens of recent words are cached.
 *
 * <p>Decoding joins the bytes of the tokens and reads them as UTF-8 (invalid sequences become
 * U+FFFD); control and unused tokens give no text, user-defined tokens their text as stored.
 *
 * <p>A Java string with an unpaired surrogate is encoded as if it held U+FFFD there.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    /** Words longer than this (in chars) are not cached: they are rare, and would bloat the cache. */
    private static final int LONGEST_CACHED_WORD = 128;
    private static final int CACHE_CAPACITY = 1 << 16;

    private final Vocabulary vocabulary;
    private final SpecialTokens special;
    private final BpePreTokenizer preTokenizer;
    private final boolean addBosToken;
    private final boolean addEosToken;

    /** Text (in the byte alphabet) → id of each token that merging may produce; on duplicates the lowest id. */
    private final Map<String, Integer> idOf;
    /** For each byte value, the id of the token of that single byte, or the unknown id when it has none. */
    private final int[] idOfByte;
    private final BpeMerger merger;
    private final int skippedMerges;
    private final SpecialTokenMatcher userDefinedText;
    private final SpecialTokenMatcher specialText;
    /** For each id, the bytes it decodes to. */
    private final byte[][] bytesOf;
    /** Tokens of recently encoded words (in the byte alphabet); cleared when full. */
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    /**
     * Builds the tokenizer; throws {@link TokenizerFormatException} when a special id is outside the
     * vocabulary, a merge is malformed, or a byte that UTF-8 text can contain has no token and there
     * is no unknown token to stand for it.
     *
     * @param merges {@code "left right"} in rank order, as in GGUF {@code tokenizer.ggml.merges}
     */
    public ByteLevelBpeTokenizer(Vocabulary vocabulary, String[] merges, BpePreTokenizer preTokenizer, SpecialTokens special,
                                 boolean addBosToken, boolean addEosToken) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        this.special = Objects.requireNonNull(special, "special");
        this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
        special.checkAgainst(vocabulary);
        this.addBosToken = addBosToken;
        this.addEosToken = addEosToken;

        int size = vocabulary.size();
        Map<String, Integer> ids = new HashMap<>(size * 2);
        byte[][] bytes = new byte[size][];
        for (int id = 0; id < size; id++) {
            TokenType type = vocabulary.type(id);
            String piece = vocabulary.piece(id);
            if (type.isMergeable() && !piece.isEmpty()) {
                ids.putIfAbsent(piece, id);
            }
            bytes[id] = decodedBytes(piece, type);
        }
        this.idOf = ids;
        this.bytesOf = bytes;
        this.idOfByte = byteTokens(ids, special.unknown());
        MergeRanks ranks = new MergeRanks(Objects.requireNonNull(merges, "merges"), ids);
        this.merger = new BpeMerger(ranks);
        this.skippedMerges = ranks.skipped();
        this.userDefinedText = new SpecialTokenMatcher(vocabulary, EnumSet.of(TokenType.USER_DEFINED));
        this.specialText = new SpecialTokenMatcher(vocabulary,
                EnumSet.of(TokenType.USER_DEFINED, TokenType.CONTROL, TokenType.UNKNOWN));
    }

    private static byte[] decodedBytes(String piece, TokenType type) {
        return switch (type) {
            case NORMAL, UNDEFINED -> ByteUnicode.decode(piece);
            case CONTROL, UNUSED -> new byte[0];
            case BYTE -> {
                int value = SentencePieceTokenizer.parseByteToken(piece);
                yield value >= 0 ? new byte[]{(byte) value} : piece.getBytes(StandardCharsets.UTF_8);
            }
            case USER_DEFINED, UNKNOWN -> piece.getBytes(StandardCharsets.UTF_8);
        };
    }

    private static int[] byteTokens(Map<String, Integer> idOf, int unknown) {
        int[] tokens = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = idOf.get(String.valueOf(ByteUnicode.charOf(b)));
            if (id == null && unknown == SpecialTokens.NONE && canOccurInUtf8(b)) {
                throw new TokenizerFormatException(String.format(
                        "the vocabulary has no token for byte 0x%02X (\"%c\") and no unknown token, so some text cannot be encoded",
                        b, ByteUnicode.charOf(b)));
            }
            tokens[b] = id != null ? id : unknown;
        }
        return tokens;
    }

    /** Whether byte {@code b} can be part of well-formed UTF-8 (0xC0, 0xC1 and 0xF5..0xFF cannot). */
    private static boolean canOccurInUtf8(int b) {
        return b < 0xC0 || (b >= 0xC2 && b <= 0xF4);
    }

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        IntList ids = new IntList(text.length() / 3 + 1);
        userDefinedText.split(withoutLoneSurrogates(text), run -> encodeRun(run, ids), ids::add);
        return ids.toArray();
    }

    @Override
    public int[] encodeParsingSpecial(String text) {
        Objects.requireNonNull(text, "text");
        IntList ids = new IntList(text.length() / 3 + 1);
        specialText.split(withoutLoneSurrogates(text), run -> encodeRun(run, ids), ids::add);
        return ids.toArray();
    }

    /** The words of a run of ordinary text, pre-tokenized and merged. */
    private void encodeRun(String run, IntList ids) {
        for (String word : preTokenizer.split(run)) {
            encodeWord(ByteUnicode.encode(word), ids);
        }
    }

    private void encodeWord(String symbols, IntList ids) {
        if (preTokenizer.keepsWholeWordTokens()) {
            Integer whole = idOf.get(symbols);
            if (whole != null) {
                ids.add(whole);
                return;
            }
        }
        boolean cacheable = symbols.length() <= LONGEST_CACHED_WORD;
        int[] tokens = cacheable ? wordCache.get(symbols) : null;
        if (tokens == null) {
            tokens = merger.merge(byteTokensOf(symbols));
            if (cacheable) {
                if (wordCache.size() >= CACHE_CAPACITY) {
                    wordCache.clear();
                }
                wordCache.put(symbols, tokens);
            }
        }
        ids.addAll(tokens);
    }

    private int[] byteTokensOf(String symbols) {
        int[] tokens = new int[symbols.length()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = idOfByte[ByteUnicode.byteOf(symbols.charAt(i))];
        }
        return tokens;
    }

    /** {@code text} with each unpaired surrogate replaced by U+FFFD (UTF-8 cannot encode one). */
    static String withoutLoneSurrogates(String text) {
        StringBuilder fixed = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (fixed != null) {
                    fixed.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) {
                    fixed = new StringBuilder(text.length()).append(text, 0, i);
                }
                fixed.append('\uFFFD');
            } else if (fixed != null) {
                fixed.append(c);
            }
        }
        return fixed == null ? text : fixed.toString();
    }

    @Override
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids");
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            out.writeBytes(bytesOf[vocabulary.checkId(id)]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public StreamingDecoder streamingDecoder() {
        Utf8Accumulator text = new Utf8Accumulator();
        return new StreamingDecoder() {
            @Override
            public String accept(int id) {
                return text.append(bytesOf[vocabulary.checkId(id)]);
            }

            @Override
            public String flush() {
                return text.flush();
            }
        };
    }

    /** How the vocabulary splits text into words. */
    public BpePreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** How many merges of the list could never apply (a part or the result is not a token) or repeated a pair. */
    public int skippedMerges() {
        return skippedMerges;
    }

    @Override
    public int bosId() {
        return special.bos();
    }

    @Override
    public int eosId() {
        return special.eos();
    }

    @Override
    public boolean addBosToken() {
        return addBosToken;
    }

    @Override
    public boolean addEosToken() {
        return addEosToken;
    }

    @Override
    public int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public String piece(int id) {
        return vocabulary.piece(id);
    }

    @Override
    public TokenType tokenType(int id) {
        return vocabulary.type(id);
    }
}
