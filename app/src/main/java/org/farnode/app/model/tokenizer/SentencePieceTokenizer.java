package org.farnode.app.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The SentencePiece BPE tokenizer of Llama 1/2 and TinyLlama ({@code tokenizer.ggml.model = "llama"}).
 *
 * <p>Encoding:
 * <ol>
 *   <li>each space becomes {@code ▁} (U+2581) and, for non-empty text with {@code addSpacePrefix},
 *       one {@code ▁} is put in front (the dummy prefix);</li>
 *   <li>the text is split into characters (code points), except that the text of a
 *       {@link TokenType#USER_DEFINED} token is kept whole wherever it occurs (longest first);</li>
 *   <li>repeatedly, of all adjacent pairs whose joined text is a token, the pair whose token has the
 *       highest score is merged (on ties, the leftmost pair); a priority queue of candidate pairs over
 *       a linked list of symbols makes this O(n log n);</li>
 *   <li>each remaining symbol is its token; a character that is not a token becomes its UTF-8 bytes
 *       as {@code <0xNN>} byte tokens, or the unknown token when the vocabulary has no byte token
 *       for one of them.</li>
 * </ol>
 * Only {@link TokenType#NORMAL}, {@link TokenType#UNDEFINED} and {@link TokenType#USER_DEFINED}
 * tokens are produced from text; control, unknown, unused and byte tokens never are.
 *
 * <p>Decoding: {@code ▁} becomes a space; byte tokens contribute their raw byte, and the bytes of
 * the whole sequence are read as UTF-8 (invalid sequences become U+FFFD); control and unused tokens
 * give no text; the unknown token gives {@code " ⁇ "} as SentencePiece does. With
 * {@code addSpacePrefix}, one leading space is dropped from the first piece that gives text, and from
 * the first piece after each BOS: that space is the dummy prefix.
 *
 * <p>A Java string with an unpaired surrogate is encoded as if it held U+FFFD there.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    /** The SentencePiece meta symbol that stands for a space. */
    public static final char SPACE_SYMBOL = '\u2581';
    /** What SentencePiece prints for the unknown token. */
    static final String UNKNOWN_SURFACE = " \u2047 ";

    private static final byte[] REPLACEMENT_UTF8 = "\uFFFD".getBytes(StandardCharsets.UTF_8);
    private static final Comparator<Bigram> BEST_FIRST =
            Comparator.comparingDouble((Bigram b) -> -b.score).thenComparingInt(b -> b.left);

    private final Vocabulary vocabulary;
    private final SpecialTokens special;
    private final boolean addSpacePrefix;
    private final boolean addBosToken;
    private final boolean addEosToken;

    /** Text → id of every token that encoding may produce; on duplicate texts the lowest id wins. */
    private final Map<String, Integer> mergeableIds;
    /** The longest text in {@link #mergeableIds}, in UTF-16 chars: longer pairs need no lookup. */
    private final int longestMergeable;
    /** For each byte value, the id of its {@code <0xNN>} token, or -1 when the vocabulary has none. */
    private final int[] byteTokenIds;
    /** For each id, the byte of a {@link TokenType#BYTE} token, or -1. */
    private final int[] byteValues;
    /** For each id, the UTF-8 of its decoded text (spaces restored), or null for byte tokens. */
    private final byte[][] surfaces;
    /** User-defined token texts by first char, longest first; empty for most vocabularies. */
    private final Map<Character, List<UserDefined>> userDefinedByFirstChar;
    /** The texts of control and unknown tokens, for {@link #encodeParsingSpecial}. */
    private final SpecialTokenMatcher specialText;

    /**
     * Builds the tokenizer; throws {@link TokenizerFormatException} when a special id is outside the
     * vocabulary or a {@link TokenType#BYTE} token is not written {@code <0xNN>}.
     */
    public SentencePieceTokenizer(Vocabulary vocabulary, SpecialTokens special, boolean addSpacePrefix, boolean addBosToken) {
        this(vocabulary, special, addSpacePrefix, addBosToken, false);
    }

    /** As {@link #SentencePieceTokenizer(Vocabulary, SpecialTokens, boolean, boolean)}, with whether input ends with EOS. */
    public SentencePieceTokenizer(Vocabulary vocabulary, SpecialTokens special, boolean addSpacePrefix, boolean addBosToken,
                                  boolean addEosToken) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        this.special = Objects.requireNonNull(special, "special");
        special.checkAgainst(vocabulary);
        this.addSpacePrefix = addSpacePrefix;
        this.addBosToken = addBosToken;
        this.addEosToken = addEosToken;
        this.specialText = new SpecialTokenMatcher(vocabulary, EnumSet.of(TokenType.CONTROL, TokenType.UNKNOWN));

        int size = vocabulary.size();
        Map<String, Integer> mergeable = new HashMap<>(size * 2);
        Map<Character, List<UserDefined>> userDefined = new HashMap<>();
        int longest = 0;
        byte[][] surfaceBytes = new byte[size][];
        int[] bytes = new int[size];
        Arrays.fill(bytes, -1);
        int[] byteIds = new int[256];
        Arrays.fill(byteIds, -1);
        for (int id = 0; id < size; id++) {
            String piece = vocabulary.piece(id);
            TokenType type = vocabulary.type(id);
            if (type == TokenType.BYTE) {
                int value = parseByteToken(piece);
                if (value < 0) {
                    throw new TokenizerFormatException("token " + id + " has type BYTE but its text \"" + piece
                            + "\" is not of the form <0xNN>");
                }
                bytes[id] = value;
                if (byteIds[value] < 0) {
                    byteIds[value] = id;
                }
                continue;
            }
            surfaceBytes[id] = switch (type) {
                case CONTROL, UNUSED -> new byte[0];
                case UNKNOWN -> UNKNOWN_SURFACE.getBytes(StandardCharsets.UTF_8);
                default -> piece.replace(SPACE_SYMBOL, ' ').getBytes(StandardCharsets.UTF_8);
            };
            if (type.isMergeable() && !piece.isEmpty()) {
                mergeable.putIfAbsent(piece, id);
                longest = Math.max(longest, piece.length());
            }
            if (type == TokenType.USER_DEFINED && !piece.isEmpty()) {
                userDefined.computeIfAbsent(piece.charAt(0), c -> new ArrayList<>()).add(new UserDefined(piece, id));
            }
        }
        userDefined.values().forEach(list -> list.sort(Comparator.comparingInt((UserDefined u) -> -u.text.length())));
        this.mergeableIds = mergeable;
        this.longestMergeable = longest;
        this.byteTokenIds = byteIds;
        this.byteValues = bytes;
        this.surfaces = surfaceBytes;
        this.userDefinedByFirstChar = userDefined;
    }

    /** The byte of a {@code <0xNN>} piece (hex digits in either case), or -1 if {@code piece} is not one. */
    static int parseByteToken(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int high = hexDigit(piece.charAt(3));
        int low = hexDigit(piece.charAt(4));
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return new int[0];
        }
        String normalized = (addSpacePrefix ? String.valueOf(SPACE_SYMBOL) : "") + text.replace(' ', SPACE_SYMBOL);
        Symbols symbols = split(normalized);
        mergeBestPairs(normalized, symbols);
        return emit(normalized, symbols);
    }

    /**
     * Each run of text between control or unknown token texts is encoded as by {@link #encode}, so
     * it gets its own dummy prefix, as after a BOS.
     */
    @Override
    public int[] encodeParsingSpecial(String text) {
        Objects.requireNonNull(text, "text");
        IntList ids = new IntList(text.length());
        specialText.split(text, run -> ids.addAll(encode(run)), ids::add);
        return ids.toArray();
    }

    /** The text split into characters and whole user-defined pieces, as a doubly linked list. */
    private Symbols split(String text) {
        Symbols symbols = new Symbols(text.length());
        int i = 0;
        while (i < text.length()) {
            UserDefined whole = userDefinedAt(text, i);
            int length = whole != null ? whole.text.length() : Character.charCount(text.codePointAt(i));
            symbols.add(i, length, whole != null ? whole.id : -1);
            i += length;
        }
        return symbols;
    }

    private UserDefined userDefinedAt(String text, int index) {
        if (userDefinedByFirstChar.isEmpty()) {
            return null;
        }
        List<UserDefined> candidates = userDefinedByFirstChar.get(text.charAt(index));
        if (candidates != null) {
            for (UserDefined candidate : candidates) {
                if (text.startsWith(candidate.text, index)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private void mergeBestPairs(String text, Symbols symbols) {
        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(1, symbols.count), BEST_FIRST);
        for (int i = 1; i < symbols.count; i++) {
            offerPair(text, symbols, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram best = queue.poll();
            int left = best.left;
            int right = best.right;
            // Skip pairs made stale by an earlier merge: a symbol that was absorbed has length 0,
            // and a symbol that absorbed its neighbour has grown.
            if (symbols.length[left] == 0 || symbols.length[right] == 0
                    || symbols.length[left] + symbols.length[right] != best.length) {
                continue;
            }
            symbols.mergeIntoLeft(left, right);
            if (symbols.prev[left] >= 0) {
                offerPair(text, symbols, symbols.prev[left], left, queue);
            }
            if (symbols.next[left] >= 0) {
                offerPair(text, symbols, left, symbols.next[left], queue);
            }
        }
    }

    private void offerPair(String text, Symbols symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (symbols.fixedId[left] >= 0 || symbols.fixedId[right] >= 0) {
            return;
        }
        int length = symbols.length[left] + symbols.length[right];
        if (length > longestMergeable) {
            return;
        }
        int start = symbols.start[left];
        Integer id = mergeableIds.get(text.substring(start, start + length));
        if (id != null) {
            queue.add(new Bigram(left, right, vocabulary.score(id), length));
        }
    }

    private int[] emit(String text, Symbols symbols) {
        IntList ids = new IntList(symbols.count);
        for (int s = 0; s >= 0; s = symbols.next[s]) {
            if (symbols.fixedId[s] >= 0) {
                ids.add(symbols.fixedId[s]);
                continue;
            }
            String piece = text.substring(symbols.start[s], symbols.start[s] + symbols.length[s]);
            Integer id = mergeableIds.get(piece);
            if (id != null) {
                ids.add(id);
            } else {
                appendBytesOrUnknown(utf8(piece), ids);
            }
        }
        return ids.toArray();
    }

    /** Adds the byte tokens of {@code bytes}, or the unknown token if one of them has no byte token. */
    private void appendBytesOrUnknown(byte[] bytes, IntList ids) {
        for (byte b : bytes) {
            if (byteTokenIds[b & 0xFF] < 0) {
                ids.add(special.unknown());
                return;
            }
        }
        for (byte b : bytes) {
            ids.add(byteTokenIds[b & 0xFF]);
        }
    }

    /** The UTF-8 bytes of one symbol; a lone surrogate is taken as U+FFFD. */
    private static byte[] utf8(String symbol) {
        return Character.isSurrogate(symbol.charAt(0)) && symbol.length() == 1
                ? REPLACEMENT_UTF8
                : symbol.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids");
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        boolean atStart = true;
        for (int id : ids) {
            atStart = appendToken(id, atStart, out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes the bytes of token {@code id} to {@code out}, dropping the dummy-prefix space when
     * {@code atStart}, and returns whether the next token is at the start of a text.
     */
    private boolean appendToken(int id, boolean atStart, ByteArrayOutputStream out) {
        vocabulary.checkId(id);
        TokenType type = vocabulary.type(id);
        if (type == TokenType.BYTE) {
            out.write(byteValues[id]);
            return false;
        }
        if (type == TokenType.CONTROL || type == TokenType.UNUSED) {
            return atStart || id == special.bos();
        }
        byte[] surface = surfaces[id];
        int skip = atStart && addSpacePrefix && type != TokenType.UNKNOWN && surface.length > 0 && surface[0] == ' ' ? 1 : 0;
        out.write(surface, skip, surface.length - skip);
        return false;
    }

    @Override
    public StreamingDecoder streamingDecoder() {
        return new Streaming();
    }

    @Override
    public int bosId() {
        return special.bos();
    }

    @Override
    public int eosId() {
        return special.eos();
    }

    /** The id of the unknown token. */
    public int unknownId() {
        return special.unknown();
    }

    @Override
    public boolean addBosToken() {
        return addBosToken;
    }

    /** Whether encoding puts a {@code ▁} in front of non-empty text (GGUF {@code tokenizer.ggml.add_space_prefix}). */
    public boolean addSpacePrefix() {
        return addSpacePrefix;
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

    /** The score of token {@code id}: the higher, the earlier its pair is merged. */
    public float score(int id) {
        return vocabulary.score(id);
    }

    /** A candidate merge of symbol {@code left} with the next symbol {@code right}, joined {@code length} chars long. */
    private record Bigram(int left, int right, float score, int length) {
    }

    private record UserDefined(String text, int id) {
    }

    /** Symbols as parallel arrays: each is {@code text[start, start + length)}; length 0 marks a merged-away symbol. */
    private static final class Symbols {
        final int[] start;
        final int[] length;
        final int[] prev;
        final int[] next;
        /** The token of a whole user-defined piece (never merged), else -1. */
        final int[] fixedId;
        int count;

        Symbols(int capacity) {
            start = new int[capacity];
            length = new int[capacity];
            prev = new int[capacity];
            next = new int[capacity];
            fixedId = new int[capacity];
        }

        void add(int from, int chars, int fixed) {
            start[count] = from;
            length[count] = chars;
            fixedId[count] = fixed;
            prev[count] = count - 1;
            next[count] = -1;
            if (count > 0) {
                next[count - 1] = count;
            }
            count++;
        }

        void mergeIntoLeft(int left, int right) {
            assert next[left] == right;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
        }
    }

    /** Holds back the bytes of an incomplete UTF-8 character until later byte tokens complete it. */
    private final class Streaming implements StreamingDecoder {
        private final Utf8Accumulator text = new Utf8Accumulator();
        private final ByteArrayOutputStream tokenBytes = new ByteArrayOutputStream();
        private boolean atStart = true;

        @Override
        public String accept(int id) {
            tokenBytes.reset();
            atStart = appendToken(id, atStart, tokenBytes);
            return text.append(tokenBytes.toByteArray());
        }

        @Override
        public String flush() {
            return text.flush();
        }
    }
}
