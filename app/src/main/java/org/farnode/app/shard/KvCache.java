package org.farnode.app.shard;

import java.util.Arrays;

/**
 * The keys and values one session has produced in one shard's layers, in memory only.
 *
 * <p>Storage per layer is {@code [position][kvDim]}; it grows by doubling up to the model's
 * context length, so a short session never pays for the whole context. {@link #truncate} forgets
 * positions (rejected speculative tokens), {@link #wipe} zeroes everything at session end.
 */
public final class KvCache {
    private final int layers;
    private final int kvDimension;
    private final int maxPositions;
    private float[][] keys;
    private float[][] values;
    private int length;

    public KvCache(int layers, int kvDimension, int maxPositions) {
        this.layers = layers;
        this.kvDimension = kvDimension;
        this.maxPositions = maxPositions;
        int initial = Math.min(maxPositions, 64);
        this.keys = new float[layers][initial * kvDimension];
        this.values = new float[layers][initial * kvDimension];
    }

    /** Positions stored so far. */
    public int length() {
        return length;
    }

    public int maxPositions() {
        return maxPositions;
    }

    /** Makes room for positions up to {@code newLength} (exclusive). */
    public void ensureCapacity(int newLength) {
        if (newLength > maxPositions) {
            throw new IllegalArgumentException("the session needs " + newLength + " positions but the context holds " + maxPositions);
        }
        int capacity = keys[0].length / kvDimension;
        if (newLength <= capacity) {
            return;
        }
        int grown = Math.min(maxPositions, Math.max(newLength, capacity * 2));
        for (int l = 0; l < layers; l++) {
            keys[l] = Arrays.copyOf(keys[l], grown * kvDimension);
            values[l] = Arrays.copyOf(values[l], grown * kvDimension);
        }
    }

    /** Key storage of layer {@code layer} (relative to the shard), {@code [position][kvDim]}. */
    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    /** Records that positions below {@code newLength} are filled. */
    void advanceTo(int newLength) {
        length = newLength;
    }

    /** Forgets every position at or after {@code newLength}. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        for (int l = 0; l < layers; l++) {
            Arrays.fill(keys[l], newLength * kvDimension, length * kvDimension, 0f);
            Arrays.fill(values[l], newLength * kvDimension, length * kvDimension, 0f);
        }
        length = newLength;
    }

    /** Zeroes all stored keys and values (privacy hygiene at session end). */
    public void wipe() {
        for (int l = 0; l < layers; l++) {
            Arrays.fill(keys[l], 0f);
            Arrays.fill(values[l], 0f);
        }
        length = 0;
    }
}
