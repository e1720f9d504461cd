package org.farnode.app.svs;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.model.tokenizer.Tokenizer;

/**
 * A text cut into token sequences a model can take: paragraphs (separated by blank lines) are
 * tokenized on their own, each sequence starts with BOS, and one longer than the context is split.
 */
public final class TextSequences {
    private TextSequences() {
    }

    /** The sequences of {@code text}, each at most {@code context} tokens; empty paragraphs are skipped. */
    public static List<int[]> of(Tokenizer tokenizer, String text, int context) {
        if (context < 2) {
            throw new IllegalArgumentException("a context of " + context + " tokens cannot hold a sequence");
        }
        List<int[]> sequences = new ArrayList<>();
        for (String paragraph : text.split("\\n\\s*\\n")) {
            String trimmed = paragraph.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int[] tokens = tokenizer.encodeWithBos(trimmed);
            for (int start = 0; start < tokens.length; start += context - 1) {
                int end = Math.min(tokens.length, start + context - 1);
                int[] sequence = new int[end - start + (start == 0 ? 0 : 1)];
                if (start == 0) {
                    System.arraycopy(tokens, 0, sequence, 0, end);
                } else {
                    sequence[0] = tokens[0]; // BOS again, so every sequence starts as the model expects
                    System.arraycopy(tokens, start, sequence, 1, end - start);
                }
                if (sequence.length > 1) {
                    sequences.add(sequence);
                }
            }
        }
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("the text holds no tokens to use");
        }
        return sequences;
    }

    /** Tokens in all of {@code sequences}. */
    public static long tokens(List<int[]> sequences) {
        return sequences.stream().mapToLong(s -> s.length).sum();
    }
}
