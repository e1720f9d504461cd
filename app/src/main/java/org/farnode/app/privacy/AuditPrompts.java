package org.farnode.app.privacy;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.model.tokenizer.Tokenizer;

/**
 * The held-out text as the prompts the audit attacks: each paragraph (a story) cut into
 * consecutive pieces of at most {@code promptTokens} tokens, each with BOS in front as a prompt
 * starts. Pieces are taken first pieces of every story first, then second pieces, and so on, so a
 * bound on the positions still samples every story.
 *
 * @param prompts     the token ids, each starting with BOS
 * @param description how they were made, for the output
 */
public record AuditPrompts(List<int[]> prompts, String description) {

    /**
     * The prompts of {@code text}, with at most {@code maxPositions} text positions in all (BOS
     * is not counted; the last prompt is shortened to fit).
     */
    public static AuditPrompts of(Tokenizer tokenizer, String text, int promptTokens, int maxPositions) {
        if (promptTokens < 2 || maxPositions < 1) {
            throw new IllegalArgumentException("a prompt holds BOS and at least one token (--prompt-tokens >= 2, got " + promptTokens
                    + ") and the audit needs at least one position (--max-tokens >= 1, got " + maxPositions + ")");
        }
        List<List<int[]>> stories = new ArrayList<>();
        for (String paragraph : text.split("\\n\\s*\\n")) {
            int[] tokens = tokenizer.encode(paragraph.strip());
            if (tokens.length > 0) {
                stories.add(pieces(tokens, promptTokens - 1, tokenizer.bosId()));
            }
        }
        List<int[]> prompts = new ArrayList<>();
        long positions = 0;
        for (int piece = 0; positions < maxPositions && hasPiece(stories, piece); piece++) {
            for (List<int[]> story : stories) {
                if (piece < story.size() && positions < maxPositions) {
                    int[] prompt = story.get(piece);
                    int kept = (int) Math.min(prompt.length - 1, maxPositions - positions);
                    prompts.add(java.util.Arrays.copyOf(prompt, kept + 1));
                    positions += kept;
                }
            }
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("the held-out text holds no tokens to attack");
        }
        String description = prompts.size() + " prompts: the " + stories.size() + " paragraphs of the held-out text cut into pieces of at most "
                + promptTokens + " tokens (BOS + " + (promptTokens - 1) + " of the text), " + positions + " text positions in all"
                + " (BOS is not counted)";
        return new AuditPrompts(List.copyOf(prompts), description);
    }

    /** {@code tokens} cut into consecutive pieces of at most {@code length}, each with {@code bos} in front. */
    private static List<int[]> pieces(int[] tokens, int length, int bos) {
        List<int[]> pieces = new ArrayList<>();
        for (int start = 0; start < tokens.length; start += length) {
            int end = Math.min(tokens.length, start + length);
            int[] piece = new int[end - start + 1];
            piece[0] = bos;
            System.arraycopy(tokens, start, piece, 1, end - start);
            pieces.add(piece);
        }
        return pieces;
    }

    private static boolean hasPiece(List<List<int[]>> stories, int piece) {
        return stories.stream().anyMatch(s -> piece < s.size());
    }

    /** Text positions in all prompts, BOS not counted. */
    public long positions() {
        return prompts.stream().mapToLong(p -> p.length - 1).sum();
    }
}
