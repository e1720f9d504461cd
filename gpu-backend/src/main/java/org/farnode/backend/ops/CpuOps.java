package org.farnode.backend.ops;

import java.util.EnumMap;
import java.util.Map;
import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.farnode.backend.tensor.UnsupportedTensorTypeException;

/**
 * The production CPU backend: Vector API kernels, threaded over output rows by a
 * {@link ParallelRows} pool.
 *
 * <p><b>Determinism.</b> Every output value is computed by one thread, in a summation order fixed
 * by the kernel alone (see {@link VectorDots}): it does not depend on the thread count, on which
 * thread took which rows, nor on the batch a vector came in. So the same inputs give the same bits
 * with 1, 2 or 16 threads, and a vector multiplied alone gives the same bits as inside a batch.
 * The vector and scalar paths differ from each other by rounding only.
 *
 * <p>The vector path is used when the machine's preferred vector shape is 256 or 512 bits
 * ({@link CpuVectors#SUPPORTED}), the {@code jdk.incubator.vector} module is present, and neither
 * the constructor nor the system property {@code far.cpu.vectors=false} turns it off.
 *
 * <p>Matrix-vector products and attention heads run on the pool; the light element-wise operations
 * run on the calling thread, where starting the pool would cost more than it saves. Close the ops
 * to stop the pool's threads.
 */
public final class CpuOps implements Ops {
    /** System property that, set to {@code false}, makes the default constructors use the scalar kernels. */
    public static final String VECTORS_PROPERTY = "far.cpu.vectors";

    /** Below this many multiply-adds, attention runs on the caller alone. */
    private static final long PARALLEL_ATTENTION_WORK = 1 << 16;
    /** Below this many values, SwiGLU runs on the caller alone; above, in chunks of this size. */
    private static final int PARALLEL_SWIGLU_CHUNK = 2048;

    private final ParallelRows pool;
    private final boolean vectors;
    private final Map<GgmlType, MatmulKernel> matmulKernels;
    private final WorkerScratch[] scratch;

    /** One thread per available processor; vectors unless {@code far.cpu.vectors=false}. */
    public CpuOps() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** {@code threads} threads; vectors unless {@code far.cpu.vectors=false}. */
    public CpuOps(int threads) {
        this(threads, !"false".equalsIgnoreCase(System.getProperty(VECTORS_PROPERTY)));
    }

    /** {@code threads} threads in all (the caller included); vector kernels if asked for and available. */
    public CpuOps(int threads, boolean useVectors) {
        this.pool = new ParallelRows(threads);
        this.vectors = useVectors && vectorsAvailable();
        this.matmulKernels = matmulKernels(vectors);
        this.scratch = new WorkerScratch[threads];
        for (int i = 0; i < threads; i++) {
            scratch[i] = new WorkerScratch();
        }
    }

    /** Whether this JVM and CPU can run the vector kernels. */
    public static boolean vectorsAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && CpuVectors.SUPPORTED;
    }

    /**
     * Why the default constructors would run the scalar kernels here, or empty when they use the
     * vector ones: said to the user, never a silent fallback.
     */
    public static java.util.Optional<String> scalarReason() {
        if ("false".equalsIgnoreCase(System.getProperty(VECTORS_PROPERTY))) {
            return java.util.Optional.of(VECTORS_PROPERTY + "=false is set");
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return java.util.Optional.of("the JVM was started without --add-modules jdk.incubator.vector");
        }
        if (!CpuVectors.SUPPORTED) {
            return java.util.Optional.of("this CPU's preferred vectors hold " + CpuVectors.LANES
                    + " floats; the kernels need 8 (AVX2) or 16 (AVX-512)");
        }
        return java.util.Optional.empty();
    }

    /** The one place that maps a weight type to its kernel; types absent here are unsupported. */
    private static Map<GgmlType, MatmulKernel> matmulKernels(boolean vectors) {
        Map<GgmlType, MatmulKernel> kernels = new EnumMap<>(GgmlType.class);
        if (vectors) {
            kernels.put(GgmlType.F32, new F32VectorKernel());
            kernels.put(GgmlType.F16, new F16VectorKernel());
            kernels.put(GgmlType.BF16, new BF16VectorKernel());
            kernels.put(GgmlType.Q8_0, new Q8_0VectorKernel());
            kernels.put(GgmlType.Q4_0, new Q4_0VectorKernel());
            kernels.put(GgmlType.Q2_K, new Q2_KVectorKernel());
            kernels.put(GgmlType.Q3_K, new Q3_KVectorKernel());
            kernels.put(GgmlType.Q4_K, new Q4_KVectorKernel());
            kernels.put(GgmlType.Q5_K, new Q5_KVectorKernel());
            kernels.put(GgmlType.Q6_K, new Q6_KVectorKernel());
        } else {
            MatmulKernel scalar = new ScalarMatmulKernel();
            for (GgmlType type : GgmlType.values()) {
                if (type.computable()) {
                    kernels.put(type, scalar);
                }
            }
        }
        return kernels;
    }

    @Override
    public String name() {
        return "cpu(" + pool.threads() + " threads, " + (vectors ? CpuVectors.LANES + "-lane vectors" : "scalar") + ")";
    }

    /** Threads that share each matmul, the caller included. */
    public int threads() {
        return pool.threads();
    }

    /** Whether the Vector API kernels are in use. */
    public boolean usesVectors() {
        return vectors;
    }

    @Override
    public void matmul(Tensor w, float[] x, float[] out, int batch) {
        MatmulKernel kernel = matmulKernels.get(w.type());
        if (kernel == null) {
            throw new UnsupportedTensorTypeException(w.name(), w.type());
        }
        int rows = w.rows();
        int columns = w.columns();
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        requireLength("x", x, (long) batch * columns, w);
        requireLength("out", out, (long) batch * rows, w);
        // About eight chunks per thread: enough to even out a thread slowed by another process,
        // few enough that taking a chunk stays negligible.
        int grain = Math.max(4, rows / (pool.threads() * 8));
        if (batch == 1) {
            pool.forEach(rows, grain, (worker, from, to) -> kernel.multiplyVector(w, x, out, from, to, scratch[worker]));
        } else {
            pool.forEach(rows, grain, (worker, from, to) -> kernel.multiplyBatch(w, x, out, batch, from, to, scratch[worker]));
        }
    }

    private static void requireLength(String name, float[] array, long needed, Tensor w) {
        if (array.length < needed) {
            throw new IllegalArgumentException(name + " has " + array.length + " floats, matmul by " + w
                    + " needs at least " + needed);
        }
    }

    @Override
    public void readRow(Tensor t, int row, float[] out, int outOffset) {
        if (row < 0 || row >= t.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " of " + t + ", which has " + t.rows() + " rows");
        }
        Dequantize.row(t, row, out, outOffset);
    }

    @Override
    public void rmsnorm(float[] out, float[] x, Tensor weight, int size, int batch, float eps) {
        if (weight.elementCount() != size) {
            throw new IllegalArgumentException("rmsnorm weight " + weight + " must have " + size + " values");
        }
        float[] w = new float[size];
        Dequantize.values(weight.name(), weight.type(), weight.data(), 0, size, w, 0);
        for (int b = 0; b < batch; b++) {
            int o = b * size;
            float squares = vectors ? VectorDots.sumOfSquares(x, o, size) : ScalarDots.dot(x, o, x, o, size);
            float scale = (float) (1.0 / Math.sqrt((double) squares / size + eps));
            for (int i = 0; i < size; i++) {
                out[o + i] = x[o + i] * scale * w[i];
            }
        }
    }

    @Override
    public void rope(float[] x, int offset, int heads, int headSize, RopeTable rope, int position) {
        int pairs = rope.ropeDimension() / 2;
        if (rope.ropeDimension() > headSize) {
            throw new IllegalArgumentException("rope dimension " + rope.ropeDimension() + " exceeds head size " + headSize);
        }
        if (position < 0 || position >= rope.maxPositions()) {
            throw new IndexOutOfBoundsException("position " + position + " outside the rope table's [0, "
                    + rope.maxPositions() + ")");
        }
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headSize;
            for (int pair = 0; pair < pairs; pair++) {
                float c = rope.cos(position, pair);
                float s = rope.sin(position, pair);
                int i = base + rope.first(pair);
                int j = base + rope.second(pair);
                float a = x[i];
                float b = x[j];
                x[i] = a * c - b * s;
                x[j] = a * s + b * c;
            }
        }
    }

    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int positions,
                          int heads, int kvHeads, int headSize, float[] out, int outOffset) {
        if (kvHeads < 1 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " key/value heads evenly");
        }
        long work = (long) heads * positions * headSize;
        int grain = work < PARALLEL_ATTENTION_WORK ? heads : 1;
        pool.forEach(heads, grain, (worker, from, to) -> {
            for (int h = from; h < to; h++) {
                attendHead(h, q, qOffset, keys, values, positions, heads, kvHeads, headSize, out, outOffset,
                        scratch[worker].scores(positions));
            }
        });
    }

    /** One head of {@link #attention}: scores, softmax, and the weighted sum of values, in float. */
    private void attendHead(int h, float[] q, int qOffset, float[] keys, float[] values, int positions,
                            int heads, int kvHeads, int headSize, float[] out, int outOffset, float[] scores) {
        int kvDim = kvHeads * headSize;
        int kvBase = (h / (heads / kvHeads)) * headSize;
        int qBase = qOffset + h * headSize;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < positions; t++) {
            float dot = vectors
                    ? VectorDots.dot(q, qBase, keys, t * kvDim + kvBase, headSize)
                    : ScalarDots.dot(q, qBase, keys, t * kvDim + kvBase, headSize);
            scores[t] = dot * scale;
            max = Math.max(max, scores[t]);
        }
        float total = 0;
        for (int t = 0; t < positions; t++) {
            scores[t] = (float) Math.exp(scores[t] - max);
            total += scores[t];
        }
        int o = outOffset + h * headSize;
        java.util.Arrays.fill(out, o, o + headSize, 0f);
        for (int t = 0; t < positions; t++) {
            float weight = scores[t] / total;
            if (vectors) {
                VectorDots.axpy(weight, values, t * kvDim + kvBase, out, o, headSize);
            } else {
                ScalarDots.axpy(weight, values, t * kvDim + kvBase, out, o, headSize);
            }
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        pool.forEach(n, PARALLEL_SWIGLU_CHUNK, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float g = gate[i];
                gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
            }
        });
    }

    @Override
    public void addBias(float[] x, Tensor bias, int size, int batch) {
        if (bias.elementCount() != size) {
            throw new IllegalArgumentException("bias " + bias + " must have " + size + " values");
        }
        float[] b = new float[size];
        Dequantize.values(bias.name(), bias.type(), bias.data(), 0, size, b, 0);
        for (int r = 0; r < batch; r++) {
            int o = r * size;
            for (int i = 0; i < size; i++) {
                x[o + i] += b[i];
            }
        }
    }

    @Override
    public void add(float[] acc, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += x[i];
        }
    }

    /** Stops the pool's threads. */
    @Override
    public void close() {
        pool.close();
    }
}
