package org.farnode.app.model.gguf;

import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * Offsets past 2^31 must not be truncated to int anywhere. The file is over 2 GiB but sparse: its
 * first tensor is {@link TensorSource#zeros()}, which the writer skips by positioning.
 */
class GgufLargeFileTest {
    private static final long TWO_GIB = 1L << 31;
    private static final int ROW = 1024;

    @TempDir
    Path dir;

    /** Value {@code col} of row {@code row}: distinct everywhere, exact in F32. */
    private static float value(long row, int col) {
        return row * 10_000f + col + 1;
    }

    @Test
    @Timeout(120)
    void tensorsBeyondAndAcross2GiBReadBack() throws IOException {
        Path file = dir.resolve("large.gguf");
        // 2 GiB - 8 KiB of zeros, as F32 rows of 1024 values (4 KiB each).
        long zeroRows = (TWO_GIB - 8192) / (4L * ROW);
        TensorSource.RowFunction rows = (row, out) -> {
            for (int c = 0; c < out.length; c++) {
                out[c] = value(row, c);
            }
        };
        GgufWriter writer = new GgufWriter()
                .tensor("zeros", GgmlType.F32, new long[]{ROW, zeroRows}, TensorSource.zeros())
                .tensor("across", GgmlType.F32, new long[]{ROW, 5}, TensorSource.rows(rows))
                .tensor("beyond", GgmlType.Q8_0, new long[]{ROW, 3}, TensorSource.rows(rows))
                .tensor("last", GgmlType.F32, new long[]{ROW, 2}, TensorSource.rows(rows));
        try {
            long size = writer.write(file);
            GgufWriter.Layout layout = writer.layout();
            long acrossStart = layout.dataOffset() + layout.tensors().get(1).offset();
            long beyondStart = layout.dataOffset() + layout.tensors().get(2).offset();
            assertThat(acrossStart).isLessThan(TWO_GIB);
            assertThat(acrossStart + 5 * 4 * ROW).isGreaterThan(TWO_GIB);
            assertThat(beyondStart).isGreaterThan(TWO_GIB);
            assertThat(Files.size(file)).isEqualTo(size).isGreaterThan(TWO_GIB);

            try (GgufFile gguf = GgufFile.open(file)) {
                float[] out = new float[ROW];
                Tensor zeros = gguf.tensor("zeros");
                for (int r : new int[]{0, zeros.rows() - 1}) {
                    Dequantize.row(zeros, r, out, 0);
                    assertThat(out).as("zeros row " + r).containsOnly(0f);
                }
                Tensor across = gguf.tensor("across");
                for (int r = 0; r < 5; r++) {
                    Dequantize.row(across, r, out, 0);
                    assertThat(out[0]).isEqualTo(value(r, 0));
                    assertThat(out[ROW - 1]).isEqualTo(value(r, ROW - 1));
                    for (int c = 0; c < ROW; c++) {
                        assertThat(out[c]).isEqualTo(value(r, c));
                    }
                }
                Tensor beyond = gguf.tensor("beyond");
                for (int r = 0; r < 3; r++) {
                    Dequantize.row(beyond, r, out, 0);
                    for (int c = 0; c < ROW; c++) {
                        // Q8_0 keeps 8 bits per value: the error is at most half a step of the block's scale.
                        float blockMax = value(r, c | 31);
                        assertThat(out[c]).isCloseTo(value(r, c), offset(blockMax / 127f));
                    }
                }
                Tensor last = gguf.tensor("last");
                Dequantize.row(last, 1, out, 0);
                assertThat(out[ROW - 1]).isEqualTo(value(1, ROW - 1));
                assertThat(gguf.dataOffset() + gguf.tensorInfos().get("last").offset() + last.data().byteSize())
                        .isEqualTo(size);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
