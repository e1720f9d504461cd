package org.farnode.app.bench;

import java.util.EnumMap;
import java.util.Map;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.ops.RopeTable;
import org.farnode.backend.tensor.Tensor;

/**
 * Wraps a backend and adds up the wall time spent in each kind of operation, so a benchmark can
 * say where a decode step goes. The clock is read twice per call (tens of nanoseconds against
 * calls of microseconds), so the timing itself hardly moves the figures.
 */
public final class OpTimer implements Ops {
    /** The operations of {@link Ops}, one counter each. */
    public enum Op { MATMUL, READ_ROW, RMSNORM, ROPE, ATTENTION, SWIGLU, ADD }

    private final Ops inner;
    private final long[] nanos = new long[Op.values().length];

    public OpTimer(Ops inner) {
        this.inner = inner;
    }

    /** Forgets the time counted so far. */
    public void reset() {
        java.util.Arrays.fill(nanos, 0);
    }

    /** Nanoseconds spent in each operation since the last {@link #reset}. */
    public Map<Op, Long> nanosByOp() {
        Map<Op, Long> copy = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            copy.put(op, nanos[op.ordinal()]);
        }
        return copy;
    }

    private void count(Op op, long start) {
        nanos[op.ordinal()] += System.nanoTime() - start;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void matmul(Tensor w, float[] x, float[] out, int batch) {
        long start = System.nanoTime();
        inner.matmul(w, x, out, batch);
        count(Op.MATMUL, start);
    }

    @Override
    public void readRow(Tensor t, int row, float[] out, int outOffset) {
        long start = System.nanoTime();
        inner.readRow(t, row, out, outOffset);
        count(Op.READ_ROW, start);
    }

    @Override
    public void rmsnorm(float[] out, float[] x, Tensor weight, int size, int batch, float eps) {
        long start = System.nanoTime();
        inner.rmsnorm(out, x, weight, size, batch, eps);
        count(Op.RMSNORM, start);
    }

    @Override
    public void rope(float[] x, int offset, int heads, int headSize, RopeTable rope, int position) {
        long start = System.nanoTime();
        inner.rope(x, offset, heads, headSize, rope, position);
        count(Op.ROPE, start);
    }

    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int positions,
                          int heads, int kvHeads, int headSize, float[] out, int outOffset) {
        long start = System.nanoTime();
        inner.attention(q, qOffset, keys, values, positions, heads, kvHeads, headSize, out, outOffset);
        count(Op.ATTENTION, start);
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        long start = System.nanoTime();
        inner.swiglu(gate, up, n);
        count(Op.SWIGLU, start);
    }

    @Override
    public void add(float[] acc, float[] x, int n) {
        long start = System.nanoTime();
        inner.add(acc, x, n);
        count(Op.ADD, start);
    }

    /** Counted with the residual adds. */
    @Override
    public void addBias(float[] x, Tensor bias, int size, int batch) {
        long start = System.nanoTime();
        inner.addBias(x, bias, size, batch);
        count(Op.ADD, start);
    }

    /** Closes the wrapped backend. */
    @Override
    public void close() {
        inner.close();
    }
}
