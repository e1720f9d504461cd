package org.farnode.app.privacy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.backend.ops.Ops;

/**
 * The vocabulary-matching attack on the hidden states a node receives at a layer boundary. The
 * attacker holds the model's public weights, so it can compute, for any prefix, the state the
 * layers before the boundary give every vocabulary token. Position by position it tries every
 * token after the prefix it has recovered so far (its own guesses, never the truth), keeps the
 * token whose state lies nearest (L2) to the received vector, and appends it.
 *
 * <p>At boundary 0 no layer runs: the received vectors are compared with the embedding rows.
 * Beyond it each candidate is one position forwarded through layers {@code [0, boundary)} on a
 * session holding the recovered prefix, then truncated away: the session API runs a window's
 * positions as one sequence, so candidates cannot share a window.
 *
 * <p>Not thread-safe: it owns the sessions it opens; give each thread its own instance (and ops).
 */
public final class VocabularyMatching {
    private final GatewayModel gateway;
    private final int boundary;
    private final int vocabulary;
    private final int width;
    /** Layers {@code [0, boundary)}; null at boundary 0. */
    private final ShardRunner layersBefore;
    /** The embedding of every token, {@code vocabulary × width}: the candidates at boundary 0, the inputs beyond it. */
    private final float[] embeddings;

    /** The attack on what the node at {@code boundary} (0 to the layer count − 1) receives, computing with {@code ops}. */
    public VocabularyMatching(LlamaWeights weights, Ops ops, int boundary) {
        int layers = weights.config().blockCount();
        if (boundary < 0 || boundary >= layers) {
            throw new IllegalArgumentException("a node receives hidden states at boundaries 0 to " + (layers - 1) + ", not " + boundary);
        }
        this.gateway = new GatewayModel(weights, ops);
        this.boundary = boundary;
        this.vocabulary = weights.config().vocabularySize();
        this.width = weights.config().embeddingLength();
        this.layersBefore = boundary == 0 ? null : new ShardRunner(weights, new LayerRange(0, boundary), ops);
        int[] everyToken = new int[vocabulary];
        for (int v = 0; v < vocabulary; v++) {
            everyToken[v] = v;
        }
        this.embeddings = gateway.embed(everyToken).values();
    }

    public int boundary() {
        return boundary;
    }

    /** The token the attack names at each position of {@code received} (one prompt, from position 0). */
    public int[] recover(HiddenStates received) {
        return recover(List.of(received)).getFirst();
    }

    /**
     * {@link #recover(HiddenStates)} for several receptions of the same prompt (other codecs or
     * noise levels). Each is attacked on its own; where two have recovered the same prefix, the
     * candidates' states are computed once for both, which gives the same answers in less time.
     */
    public List<int[]> recover(List<HiddenStates> receptions) {
        int positions = receptions.getFirst().positions();
        for (HiddenStates received : receptions) {
            if (received.positions() != positions || received.width() != width) {
                throw new IllegalArgumentException("receptions of one prompt must all be " + positions + " × " + width
                        + ", got " + received.positions() + " × " + received.width());
            }
        }
        int[][] guesses = new int[receptions.size()][positions];
        if (layersBefore == null) {
            for (int r = 0; r < receptions.size(); r++) {
                for (int p = 0; p < positions; p++) {
                    guesses[r][p] = nearest(embeddings, receptions.get(r), p);
                }
            }
            return List.of(guesses);
        }
        Map<List<Integer>, ShardSession> sessions = new HashMap<>();
        sessions.put(List.of(), layersBefore.openSession());
        try {
            for (int p = 0; p < positions; p++) {
                for (Map.Entry<List<Integer>, List<Integer>> group : byPrefix(guesses, p).entrySet()) {
                    float[] candidates = candidateStates(sessions.get(group.getKey()), p);
                    for (int r : group.getValue()) {
                        guesses[r][p] = nearest(candidates, receptions.get(r), p);
                    }
                }
                sessions = extend(sessions, guesses, p);
            }
        } finally {
            sessions.values().forEach(ShardSession::close);
        }
        return List.of(guesses);
    }

    /** The receptions grouped by the prefix {@code [0, length)} recovered for them. */
    private static Map<List<Integer>, List<Integer>> byPrefix(int[][] guesses, int length) {
        Map<List<Integer>, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < guesses.length; r++) {
            groups.computeIfAbsent(prefix(guesses[r], length), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    private static List<Integer> prefix(int[] guesses, int length) {
        return java.util.Arrays.stream(guesses, 0, length).boxed().toList();
    }

    /** The state at the boundary of every token at {@code position} after the prefix cached in {@code session}. */
    private float[] candidateStates(ShardSession session, int position) {
        assert session.length() == position;
        float[] states = new float[vocabulary * width];
        for (int v = 0; v < vocabulary; v++) {
            HiddenStates one = new HiddenStates(1, width, java.util.Arrays.copyOfRange(embeddings, v * width, (v + 1) * width));
            System.arraycopy(session.forward(position, one).values(), 0, states, v * width, width);
            session.truncate(position);
        }
        return states;
    }

    /**
     * Sessions for the prefixes {@code [0, position]} now recovered: the old session of a prefix
     * takes its first continuation; a prefix that split in two gets a new session for the other.
     */
    private Map<List<Integer>, ShardSession> extend(Map<List<Integer>, ShardSession> sessions, int[][] guesses, int position) {
        Map<List<Integer>, ShardSession> extended = new HashMap<>();
        for (int[] guess : guesses) {
            List<Integer> longer = prefix(guess, position + 1);
            if (extended.containsKey(longer)) {
                continue;
            }
            ShardSession old = sessions.remove(longer.subList(0, position));
            if (old != null) {
                old.forward(position, gateway.embed(new int[] {guess[position]}));
                extended.put(longer, old);
            } else {
                ShardSession fresh = layersBefore.openSession();
                fresh.forward(0, gateway.embed(java.util.Arrays.copyOf(guess, position + 1)));
                extended.put(longer, fresh);
            }
        }
        sessions.values().forEach(ShardSession::close); // prefixes no reception follows any more
        return extended;
    }

    /** The candidate (row of {@code candidates}) nearest in L2 to position {@code position} of {@code received}. */
    private int nearest(float[] candidates, HiddenStates received, int position) {
        float[] values = received.values();
        int offset = position * width;
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) {
            double distance = 0;
            for (int i = 0; i < width; i++) {
                double d = candidates[v * width + i] - values[offset + i];
                distance += d * d;
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = v;
            }
        }
        return best;
    }
}
