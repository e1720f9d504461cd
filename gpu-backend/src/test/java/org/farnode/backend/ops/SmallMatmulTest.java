package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The reference products of a projection codec on numbers small enough to check by hand. */
class SmallMatmulTest {
    // A = [1 2 3]
    //     [4 5 6]
    private static final float[] A = {1, 2, 3, 4, 5, 6};

    @Test
    void projectMultipliesEachVectorLessTheOffset() {
        float[] x = {1, 0, -1, 2, 2, 2};
        float[] offset = {1, 1, 1};
        float[] y = new float[4];
        SmallMatmul.project(A, 2, 3, x, null, y, 2);
        assertThat(y).containsExactly(-2, -2, 12, 30);
        SmallMatmul.project(A, 2, 3, x, offset, y, 2);
        assertThat(y).containsExactly(-8, -17, 6, 15);
    }

    @Test
    void reconstructMultipliesByTheTransposeAndAddsTheOffset() {
        float[] c = {1, -1, 0, 2};
        float[] offset = {10, 20, 30};
        float[] y = new float[6];
        SmallMatmul.reconstruct(A, 2, 3, c, null, y, 2);
        assertThat(y).containsExactly(-3, -3, -3, 8, 10, 12);
        SmallMatmul.reconstruct(A, 2, 3, c, offset, y, 2);
        assertThat(y).containsExactly(7, 17, 27, 18, 30, 42);
    }
}
