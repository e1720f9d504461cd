package org.farnode.app.shard;

/** A contiguous range of transformer layers {@code [start, end)}: the unit a shard serves. */
public record LayerRange(int start, int end) {

    public LayerRange {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("layer range [" + start + ", " + end + ") must be non-empty with start >= 0");
        }
    }

    public static LayerRange all(int blockCount) {
        return new LayerRange(0, blockCount);
    }

    /**
     * Parses {@code "a:b"} or {@code "a-b"} meaning {@code [a, b)}; the message of a bad value says what is allowed.
     */
    public static LayerRange parse(String text, int blockCount) {
        String[] parts = text.trim().split("[:-]");
        try {
            if (parts.length == 2) {
                LayerRange range = new LayerRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                return range.checkWithin(blockCount);
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("layer range '" + text + "' must look like a:b (layers a to b-1), within 0:" + blockCount);
    }

    public LayerRange checkWithin(int blockCount) {
        if (end > blockCount) {
            throw new IllegalArgumentException("layer range " + this + " goes past the model's " + blockCount + " layers");
        }
        return this;
    }

    /**
     * Checks that {@code ranges}, in order, cover {@code [0, blockCount)} with no gap or overlap.
     *
     * @throws IllegalArgumentException naming the first layer where they do not
     */
    public static void requireChain(java.util.List<LayerRange> ranges, int blockCount) {
        requireChain(ranges, all(blockCount));
    }

    /**
     * Checks that {@code ranges}, in order, cover {@code covered} with no gap or overlap: the
     * first starts at {@code covered.start()}, each starts where the one before ends, the last
     * ends at {@code covered.end()}.
     *
     * @throws IllegalArgumentException naming the first layer where they do not
     */
    public static void requireChain(java.util.List<LayerRange> ranges, LayerRange covered) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one shard");
        }
        int expectedStart = covered.start();
        for (LayerRange range : ranges) {
            if (range.start() != expectedStart) {
                throw new IllegalArgumentException("route has a gap or overlap at layer " + expectedStart
                        + ": next shard serves " + range);
            }
            expectedStart = range.end();
        }
        if (expectedStart != covered.end()) {
            throw new IllegalArgumentException("route covers layers [" + covered.start() + ", " + expectedStart + ") but "
                    + (covered.start() == 0 ? "the model has " + covered.end() : "must cover " + covered));
        }
    }

    public int size() {
        return end - start;
    }

    public boolean contains(int layer) {
        return layer >= start && layer < end;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
