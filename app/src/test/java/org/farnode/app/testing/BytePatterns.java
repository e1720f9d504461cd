package org.farnode.app.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.farnode.app.model.LlamaWeights;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.tensor.Tensor;

/**
 * The byte patterns a vector of floats leaves wherever it is stored or sent: its first values as
 * float32 (both byte orders) and float16, for searching streams and files for a vector that must
 * not be there.
 */
public final class BytePatterns {
    /** Values per pattern: 8 floats are 32 (float32) or 16 (float16) bytes, far too many to match by chance. */
    public static final int VALUES = 8;

    private BytePatterns() {
    }

    /**
     * The first {@link #VALUES} values of {@code vector} (from {@code offset}) as fp32 little-endian,
     * fp32 big-endian and fp16 little-endian bytes, and each of those written out in hex digits
     * (as a hex dump in a log line shows them).
     */
    public static Map<String, byte[]> of(float[] vector, int offset) {
        ByteBuffer le32 = ByteBuffer.allocate(4 * VALUES).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer be32 = ByteBuffer.allocate(4 * VALUES).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer le16 = ByteBuffer.allocate(2 * VALUES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < VALUES; i++) {
            float value = vector[offset + i];
            le32.putFloat(value);
            be32.putFloat(value);
            le16.putShort(Float.floatToFloat16(value));
        }
        Map<String, byte[]> patterns = new LinkedHashMap<>();
        patterns.put("fp32 little-endian", le32.array());
        patterns.put("fp32 big-endian", be32.array());
        patterns.put("fp16", le16.array());
        for (String encoding : List.copyOf(patterns.keySet())) {
            patterns.put(encoding + " in hex", HexFormat.of().formatHex(patterns.get(encoding)).getBytes(StandardCharsets.US_ASCII));
        }
        return patterns;
    }

    /** Row {@code row} of {@code tensor} (an embedding table or LM head), dequantized. */
    public static float[] row(Ops ops, Tensor tensor, int row, int width) {
        float[] values = new float[width];
        ops.readRow(tensor, row, values, 0);
        return values;
    }

    /**
     * Every row of the embedding table and of the LM head, among the token ids {@code rowsToCheck}
     * accepts, whose patterns occur in {@code bytes}, described; empty when none does.
     */
    public static List<String> tableRowsIn(byte[] bytes, LlamaWeights weights, Ops ops, IntPredicate rowsToCheck) {
        int width = weights.config().embeddingLength();
        List<String> found = new ArrayList<>();
        for (int row = 0; row < weights.config().vocabularySize(); row++) {
            if (rowsToCheck.test(row)) {
                found.addAll(occurrences(bytes, of(row(ops, weights.tokenEmbedding(), row, width), 0), "embedding row " + row));
                found.addAll(occurrences(bytes, of(row(ops, weights.output(), row, width), 0), "LM head row " + row));
            }
        }
        return found;
    }

    /** Which of {@code patterns} occur in {@code bytes}, each named {@code what} and its encoding. */
    public static List<String> occurrences(byte[] bytes, Map<String, byte[]> patterns, String what) {
        List<String> found = new ArrayList<>();
        patterns.forEach((encoding, pattern) -> {
            int at = indexOf(bytes, pattern);
            if (at >= 0) {
                found.add(what + " as " + encoding + " at byte " + at);
            }
        });
        return found;
    }

    /** The first index of {@code pattern} in {@code bytes}, or -1. */
    public static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
