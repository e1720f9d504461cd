package org.farnode.app.model.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a byte-level BPE vocabulary splits text into words before merging, chosen by GGUF
 * {@code tokenizer.ggml.pre}. Merges never cross a word boundary.
 *
 * <p>Each kind applies one or more regular expressions in turn; every pass splits each piece of the
 * previous pass into its matches and the text between them (both kept), so no character is ever
 * dropped. The patterns are those the models were trained with. They are compiled with
 * {@link Pattern#UNICODE_CHARACTER_CLASS} because the models' own tokenizers take {@code \s} as
 * Unicode whitespace (a no-break space is whitespace) and {@code (?i)} as Unicode case-insensitive.
 */
public enum BpePreTokenizer {
    /**
     * GPT-2's split: English contractions, letters, digits and other symbols each with an optional
     * leading space, and whitespace runs (the last space of a run before a word stays with the word).
     * Also used for {@code default} (and a missing {@code tokenizer.ggml.pre}), because it is the
     * split byte-level BPE was designed with; llama.cpp's own fallback for {@code default} differs.
     */
    GPT2(false, List.of("gpt-2", "default"), Patterns.GPT2),
    /**
     * Llama 3's split: contractions in any case, letters with one leading non-letter, digits in groups
     * of one to three, symbols with their trailing line breaks, line-break runs. Llama 3 also keeps a
     * word whole when the word itself is a token, without merging ({@link #keepsWholeWordTokens()}).
     */
    LLAMA3(true, List.of("llama-bpe", "llama3"), Patterns.LLAMA3),
    /** Qwen2's split: Llama 3's, except that every digit is a word of its own. */
    QWEN2(false, List.of("qwen2"), Patterns.QWEN2),
    /** StarCoder's split (also SmolLM's): first every digit on its own, then GPT-2's split of the rest. */
    STARCODER(false, List.of("starcoder", "smollm"), Patterns.SINGLE_DIGIT, Patterns.GPT2);

    /** The {@code tokenizer.ggml.pre} value a GGUF without that key is read as. */
    public static final String DEFAULT_NAME = "default";

    private static final Map<String, BpePreTokenizer> BY_NAME = new TreeMap<>();

    static {
        for (BpePreTokenizer kind : values()) {
            kind.names.forEach(name -> BY_NAME.put(name, kind));
        }
    }

    private final boolean llama3Family;
    private final List<String> names;
    private final List<Pattern> passes;

    BpePreTokenizer(boolean llama3Family, List<String> names, Pattern... passes) {
        this.llama3Family = llama3Family;
        this.names = names;
        this.passes = Arrays.asList(passes);
    }

    /**
     * The kind GGUF calls {@code name}; throws {@link UnsupportedTokenizerException} naming it and
     * the supported names, because splitting differently would silently give other ids than the
     * model was trained on.
     */
    public static BpePreTokenizer named(String name) {
        BpePreTokenizer kind = BY_NAME.get(name);
        if (kind == null) {
            throw new UnsupportedTokenizerException("pre-tokenizer \"" + name + "\" (tokenizer.ggml.pre) is not supported; supported: "
                    + String.join(", ", supportedNames()));
        }
        return kind;
    }

    /** Every {@code tokenizer.ggml.pre} value this program understands, sorted. */
    public static List<String> supportedNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The {@code tokenizer.ggml.pre} values of this kind, the main one first. */
    public List<String> names() {
        return names;
    }

    /**
     * Whether a word that is itself a vocabulary entry becomes that token without merging (Hugging
     * Face's {@code ignore_merges}). Llama 3's merge list does not always rebuild such words.
     */
    public boolean keepsWholeWordTokens() {
        return llama3Family;
    }

    /** Whether prompts start with BOS when the GGUF does not say ({@code tokenizer.ggml.add_bos_token}). */
    public boolean addsBosByDefault() {
        return llama3Family;
    }

    /** The words of {@code text}, in order; they join back to {@code text}. The empty text has none. */
    public List<String> split(String text) {
        List<String> pieces = text.isEmpty() ? List.of() : List.of(text);
        for (Pattern pass : passes) {
            List<String> next = new ArrayList<>(pieces.size() * 4);
            for (String piece : pieces) {
                splitIsolated(pass, piece, next);
            }
            pieces = next;
        }
        return pieces;
    }

    private static void splitIsolated(Pattern pattern, String piece, List<String> out) {
        Matcher matcher = pattern.matcher(piece);
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() > end) {
                out.add(piece.substring(end, matcher.start()));
            }
            out.add(matcher.group());
            end = matcher.end();
        }
        if (end < piece.length()) {
            out.add(piece.substring(end));
        }
    }

    /** The patterns, in a holder so that the enum constants can refer to them. */
    private static final class Patterns {
        private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS;

        /**
         * GPT-2's published pattern, ending in {@code |\s+}: a whitespace run that {@code \s+(?!\S)}
         * leaves (such as a lone newline before a letter) is a word of its own.
         */
        static final Pattern GPT2 = Pattern.compile(
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", FLAGS);

        static final Pattern LLAMA3 = Pattern.compile(
                "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                        + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", FLAGS);

        static final Pattern QWEN2 = Pattern.compile(
                "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                        + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", FLAGS);

        static final Pattern SINGLE_DIGIT = Pattern.compile("\\p{N}", FLAGS);

        private Patterns() {
        }
    }
}
