package org.farnode.backend.ops;

/** Reusable float buffers owned by one pool thread, so kernels allocate nothing per call. */
final class WorkerScratch {
    private float[] rows = new float[0];
    private float[] scores = new float[0];
    private float[] tables = new float[0];

    /** A buffer of at least {@code size} floats for dequantized weight rows; contents undefined. */
    float[] rows(int size) {
        if (rows.length < size) {
            rows = new float[size];
        }
        return rows;
    }

    /** A buffer of at least {@code size} floats for the K-quant kernels' scale tables; contents undefined. */
    float[] tables(int size) {
        if (tables.length < size) {
            tables = new float[size];
        }
        return tables;
    }

    /** A buffer of at least {@code size} floats for attention scores; contents undefined. */
    float[] scores(int size) {
        if (scores.length < size) {
            scores = new float[size];
        }
        return scores;
    }
}
