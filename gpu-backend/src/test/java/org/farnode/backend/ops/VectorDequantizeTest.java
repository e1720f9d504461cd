package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Map;
import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vector kernels decode K-quant super-blocks in registers from a table of sub-block scales;
 * their {@code fillTable} and {@code dequantizeRow} (the batch path) must give exactly
 * {@link Dequantize}'s bits, on random blocks that hold every quant,
 * scale and min pattern and f16 scales of both signs, subnormals included.
 */
class VectorDequantizeTest {
    private static final Map<GgmlType, SuperBlockVectorKernel> KERNELS = Map.of(
            GgmlType.Q2_K, new Q2_KVectorKernel(),
            GgmlType.Q3_K, new Q3_KVectorKernel(),
            GgmlType.Q4_K, new Q4_KVectorKernel(),
            GgmlType.Q5_K, new Q5_KVectorKernel(),
            GgmlType.Q6_K, new Q6_KVectorKernel());

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void decodesEveryRowExactlyAsTheReference(GgmlType type) {
        assumeThat(CpuOps.vectorsAvailable()).as("CPU or JVM without the vector kernels").isTrue();
        Tensor t = RandomTensors.randomBlocks(type, 768, 40, 17);
        float[] expected = new float[t.columns() + 3];
        float[] actual = new float[t.columns() + 3];
        SuperBlockVectorKernel kernel = KERNELS.get(type);
        float[] table = new float[kernel.tableSize(t.columns())];
        for (int r = 0; r < t.rows(); r++) {
            Dequantize.row(t, r, expected, 3);
            kernel.fillTable(t.data(), t.rowOffset(r), t.columns(), table, 0);
            kernel.dequantizeRow(t.data(), t.rowOffset(r), table, 0, actual, 3, t.columns());
            for (int i = 0; i < expected.length; i++) {
                assertThat(Float.floatToRawIntBits(actual[i])).as("%s row %d value %d", type, r, i - 3)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }
}
