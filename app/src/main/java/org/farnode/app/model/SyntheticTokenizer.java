package org.farnode.app.model;

import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.gguf.GgufValueType;
import org.farnode.app.model.gguf.GgufWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece-style ({@code tokenizer.ggml.model = llama}) vocabulary for synthetic models:
 * {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens {@code <0x00>}..{@code <0xFF>}, then
 * filler pieces {@code ▁a, a, ▁b, b, …, ▁z, z, ▁aa, aa, …} up to the vocabulary size. Scores are 0
 * for the first 259 tokens and {@code -(id - 259)} after, so earlier pieces merge first.
 */
final class SyntheticTokenizer {
    static final int UNKNOWN_ID = 0;
    static final int BOS_ID = 1;
    static final int EOS_ID = 2;
    static final int FIRST_BYTE_ID = 3;
    /** Specials and byte tokens: the smallest vocabulary. */
    static final int MIN_VOCAB = FIRST_BYTE_ID + 256;

    // llama.cpp's llama_token_type
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;
    private static final String WORD_START = "\u2581";

    private SyntheticTokenizer() {
    }

    static void addTo(GgufWriter writer, int vocabSize) {
        List<String> tokens = new ArrayList<>(vocabSize);
        List<Float> scores = new ArrayList<>(vocabSize);
        List<Integer> types = new ArrayList<>(vocabSize);
        tokens.addAll(List.of("<unk>", "<s>", "</s>"));
        types.addAll(List.of(UNKNOWN, CONTROL, CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add("<0x%02X>".formatted(b));
            types.add(BYTE);
        }
        for (int word = 0; tokens.size() < vocabSize; word++) {
            String letters = letters(word);
            tokens.add(WORD_START + letters);
            if (tokens.size() < vocabSize) {
                tokens.add(letters);
            }
        }
        while (types.size() < vocabSize) {
            types.add(NORMAL);
        }
        for (int id = 0; id < vocabSize; id++) {
            scores.add(id < MIN_VOCAB ? 0f : -(float) (id - MIN_VOCAB));
        }
        writer.put("tokenizer.ggml.model", GgufValue.string("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens))
                .put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, scores))
                .put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types))
                .put("tokenizer.ggml.bos_token_id", GgufValue.uint32(BOS_ID))
                .put("tokenizer.ggml.eos_token_id", GgufValue.uint32(EOS_ID))
                .put("tokenizer.ggml.unknown_token_id", GgufValue.uint32(UNKNOWN_ID))
                .put("tokenizer.ggml.add_bos_token", GgufValue.bool(true))
                .put("tokenizer.ggml.add_eos_token", GgufValue.bool(false));
    }

    /** Bijective base 26: 0 → a, 25 → z, 26 → aa, 27 → ab, … */
    static String letters(int index) {
        StringBuilder s = new StringBuilder();
        for (int n = index + 1; n > 0; n = (n - 1) / 26) {
            s.append((char) ('a' + (n - 1) % 26));
        }
        return s.reverse().toString();
    }
}
