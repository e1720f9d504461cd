package org.farnode.app.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Finds the text of whole tokens of some types (such as {@code <|endoftext|>}) in input text, so
 * that it becomes those tokens instead of being tokenized as ordinary text.
 *
 * <p>The text is scanned left to right; at each position the longest token text that starts there
 * wins (on equal texts, the lowest id). The texts are compared as stored in the vocabulary.
 */
final class SpecialTokenMatcher {
    private record Candidate(String text, int id) {
    }

    /** Token texts by first char, longest first. */
    private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();

    /** Matches the non-empty texts of the tokens of {@code vocabulary} whose type is in {@code types}. */
    SpecialTokenMatcher(Vocabulary vocabulary, Set<TokenType> types) {
        for (int id = 0; id < vocabulary.size(); id++) {
            String text = vocabulary.piece(id);
            if (types.contains(vocabulary.type(id)) && !text.isEmpty()) {
                byFirstChar.computeIfAbsent(text.charAt(0), c -> new ArrayList<>()).add(new Candidate(text, id));
            }
        }
        // A stable sort keeps ids ascending among texts of one length.
        byFirstChar.values().forEach(list -> list.sort(Comparator.comparingInt((Candidate c) -> -c.text.length())));
    }

    /**
     * Passes the runs of ordinary text in {@code text} to {@code plain} (never empty) and the tokens
     * found to {@code token}, in the order they occur.
     */
    void split(String text, Consumer<String> plain, IntConsumer token) {
        if (byFirstChar.isEmpty()) {
            if (!text.isEmpty()) {
                plain.accept(text);
            }
            return;
        }
        int runStart = 0;
        int i = 0;
        while (i < text.length()) {
            Candidate found = longestAt(text, i);
            if (found == null) {
                i++;
                continue;
            }
            if (i > runStart) {
                plain.accept(text.substring(runStart, i));
            }
            token.accept(found.id);
            i += found.text.length();
            runStart = i;
        }
        if (runStart < text.length()) {
            plain.accept(text.substring(runStart));
        }
    }

    private Candidate longestAt(String text, int index) {
        List<Candidate> candidates = byFirstChar.get(text.charAt(index));
        if (candidates != null) {
            for (Candidate candidate : candidates) {
                if (text.startsWith(candidate.text, index)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
