package org.farnode.backend.ops;

import org.farnode.backend.tensor.Tensor;

/** One weight type's matrix product, over a range of output rows; {@link CpuOps} picks one per tensor type. */
interface MatmulKernel {

    /**
     * {@code out[b·R + r] = Σ_c W[r,c] · x[b·C + c]} for {@code r ∈ [from, to)}, {@code b < batch},
     * with {@code R = w.rows()}, {@code C = w.columns()}. Each output is computed entirely by this
     * call, in an order that depends neither on {@code from}/{@code to} nor on {@code batch}.
     */
    void multiply(Tensor w, float[] x, float[] out, int batch, int from, int to, WorkerScratch scratch);
}
