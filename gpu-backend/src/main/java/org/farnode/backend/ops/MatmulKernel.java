package org.farnode.backend.ops;

import org.farnode.backend.tensor.Tensor;

/** One weight type's matrix product, over a range of output rows; {@link CpuOps} picks one per tensor type. */
interface MatmulKernel {

    /**
     * {@code out[b·R + r] = Σ_c W[r,c] · x[b·C + c]} for {@code r ∈ [from, to)}, {@code b < batch},
     * with {@code R = w.rows()}, {@code C = w.columns()}. Each output is computed entirely by this
     * call, in an order that depends neither on {@code from}/{@code to} nor on {@code batch}.
     */
    void multiplyBatch(Tensor w, float[] x, float[] out, int batch, int from, int to, WorkerScratch scratch);

    /**
     * {@link #multiplyBatch} for one vector, with the same bits. A method of its own so that the
     * JIT compiles decode's loop apart from prefill's: compiled together, the batch path's inlined
     * code crowded decode's, which then ran about a fifth slower after any prefill.
     */
    void multiplyVector(Tensor w, float[] x, float[] out, int from, int to, WorkerScratch scratch);
}
