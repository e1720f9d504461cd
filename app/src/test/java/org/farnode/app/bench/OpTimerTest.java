package org.farnode.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.Map;
import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OpTimerTest {

    @Test
    void computesWhatTheWrappedBackendComputesAndCountsEachOperation() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = new Tensor("w", GgmlType.F32, new long[]{4, 3}, arena.allocate(4 * 12));
            for (int i = 0; i < 12; i++) {
                w.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, i - 5f);
            }
            float[] x = {1, 2, 3, 4};
            float[] expected = new float[3];
            float[] actual = new float[3];
            new ReferenceOps().matmul(w, x, expected, 1);
            OpTimer timer = new OpTimer(new ReferenceOps());
            timer.matmul(w, x, actual, 1);
            timer.add(actual, x, 3);
            new ReferenceOps().add(expected, x, 3);
            assertThat(actual).containsExactly(expected);

            Map<OpTimer.Op, Long> nanos = timer.nanosByOp();
            assertThat(nanos.get(OpTimer.Op.MATMUL)).isPositive();
            assertThat(nanos.get(OpTimer.Op.ADD)).isPositive();
            assertThat(nanos.get(OpTimer.Op.ATTENTION)).isZero();
            timer.reset();
            assertThat(timer.nanosByOp().values()).containsOnly(0L);
        }
    }
}
