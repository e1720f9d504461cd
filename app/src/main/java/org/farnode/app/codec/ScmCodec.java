package org.farnode.app.codec;

import java.nio.ByteBuffer;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.codec.scm.ScmCodebook;
import org.farnode.app.shard.HiddenStates;
import org.farnode.backend.ops.ActivationFormat;

/**
 * The Semantic Compression Module's codec: each position's hidden state h at a boundary is sent
 * as the boundary's outlier dimensions exactly (f32) and the {@code rank} coefficients
 * {@code c = B·(h − mean)} of its calibrated projection (see {@link ScmBoundary}), each divided by
 * its direction's standard deviation on the calibration text and then quantized blockwise like
 * {@link BlockQuantizedCodec} (int8 or int4, 32 coefficients per f32 scale; or IEEE half, scm16, for
 * a setting that loses next to nothing): divided so, the
 * coefficients are of one size and the rounding of a block costs each direction in proportion to
 * its spread, where the raw coefficients' largest would set one coarse step for all.
 * Decoding gives {@code mean + Bᵀ·c} with the outliers put back: what is lost is the part of h
 * outside the calibrated subspace, and the coefficients' rounding.
 *
 * <p>Body: the outliers of every position ({@code positions × outliers} f32, position-major),
 * then the coefficients in {@link org.farnode.backend.ops.ActivationQuantization}'s layout for
 * {@code positions × rank} values.
 */
public final class ScmCodec extends ChecksummedCodec {
    public static final int INT8_ID = 5;
    public static final int INT4_ID = 6;
    public static final int FP16_ID = 7;
    public static final int INT8_WINDOW_ID = 8;
    public static final int INT4_WINDOW_ID = 9;
    private final ScmCodebook codebook;
    private final byte[] codebookHash;
    private final ActivationFormat format;
    /** One scale per block of directions for the whole window ({@link WindowQuantization}), not one per position. */
    private final boolean windowScales;
    /** Each boundary's arrays, copied out of the codebook once (its accessors copy on every call). */
    private final java.util.Map<Integer, Projection> projections;

    /** {@code scales}: what a coefficient is divided by before quantizing, its direction's deviation (1 where it has none). */
    private record Projection(int rank, int[] outliers, float[] mean, float[] basis, float[] scales) {
    }

    /** A codec over {@code codebook}, whose SHA-256 (what peers compare) is {@code codebookHash}. */
    public ScmCodec(ScmCodebook codebook, byte[] codebookHash, ActivationFormat format) {
        this(codebook, codebookHash, format, false);
    }

    /**
     * With {@code windowScales}, the window's positions share each block's scale (the joint coding
     * of a window: scm8w, scm4w); for one position it costs what the per-position coding does.
     */
    public ScmCodec(ScmCodebook codebook, byte[] codebookHash, ActivationFormat format, boolean windowScales) {
        this(codebook, codebookHash, projections(codebook), format, windowScales);
    }

    private ScmCodec(ScmCodebook codebook, byte[] codebookHash, java.util.Map<Integer, Projection> projections, ActivationFormat format,
                     boolean windowScales) {
        if (format != ActivationFormat.INT8 && format != ActivationFormat.INT4 && format != ActivationFormat.FP16
                || windowScales && format == ActivationFormat.FP16) {
            throw new IllegalArgumentException("SCM codes coefficients as int8, int4 or fp16 (shared window scales: int8 or int4), not "
                    + format + (windowScales ? " with window scales" : ""));
        }
        this.windowScales = windowScales;
        this.codebook = codebook;
        this.codebookHash = codebookHash.clone();
        this.format = format;
        this.projections = projections;
    }

    /** The same codebook coded another way, sharing this codec's copies of its arrays (a wide codebook is large). */
    public ScmCodec coding(ActivationFormat format, boolean windowScales) {
        return new ScmCodec(codebook, codebookHash, projections, format, windowScales);
    }

    private static java.util.Map<Integer, Projection> projections(ScmCodebook codebook) {
        java.util.Map<Integer, Projection> projections = new java.util.HashMap<>();
        for (ScmBoundary b : codebook.boundaries()) {
            float[] scales = b.deviations();
            for (int i = 0; i < scales.length; i++) {
                scales[i] = scales[i] > 0 ? scales[i] : 1f;
            }
            projections.put(b.boundary(), new Projection(b.rank(), b.outliers(), b.mean(), b.basis(), scales));
        }
        return java.util.Map.copyOf(projections);
    }

    @Override
    public int id() {
        return switch (format) {
            case INT8 -> windowScales ? INT8_WINDOW_ID : INT8_ID;
            case INT4 -> windowScales ? INT4_WINDOW_ID : INT4_ID;
            default -> FP16_ID;
        };
    }

    @Override
    public String name() {
        return switch (format) {
            case INT8 -> windowScales ? "scm8w" : "scm8";
            case INT4 -> windowScales ? "scm4w" : "scm4";
            default -> "scm16";
        };
    }

    @Override
    public byte[] calibrationHash() {
        return codebookHash.clone();
    }

    public ScmCodebook codebook() {
        return codebook;
    }

    @Override
    protected long bodyBytes(int positions, int width, int boundary) {
        Projection projection = projection(boundary, width);
        long coefficients = projection.rank == 0 ? 0
                : windowScales ? WindowQuantization.bytes(format, projection.rank, positions) : format.encodedBytes(projection.rank, positions);
        return 4L * positions * projection.outliers.length + coefficients;
    }

    @Override
    protected void encodeBody(HiddenStates states, int boundary, ByteBuffer out) {
        int width = states.width();
        Projection projection = projection(boundary, width);
        float[] h = states.values();
        int[] outliers = projection.outliers;
        for (int p = 0; p < states.positions(); p++) {
            for (int o : outliers) {
                out.putFloat(h[p * width + o]);
            }
        }
        int rank = projection.rank;
        if (rank == 0) {
            return;
        }
        float[] coefficients = ProjectionKernels.project(h, states.positions(), width, projection.mean, projection.basis,
                projection.scales, rank);
        if (windowScales) {
            WindowQuantization.encode(format, coefficients, rank, states.positions(), out);
        } else {
            out.put(BlockQuantizedCodec.encode(format, coefficients, rank, states.positions()));
        }
    }

    @Override
    protected HiddenStates decodeBody(ByteBuffer in, int positions, int width, int boundary) {
        Projection projection = projection(boundary, width);
        int[] outliers = projection.outliers;
        float[] exact = new float[positions * outliers.length];
        for (int i = 0; i < exact.length; i++) {
            exact[i] = in.getFloat();
        }
        int rank = projection.rank;
        float[] coefficients = rank == 0 ? new float[0]
                : windowScales ? WindowQuantization.decode(format, in, rank, positions) : BlockQuantizedCodec.decode(format, in, rank, positions);
        float[] h = ProjectionKernels.reconstruct(coefficients, positions, width, projection.mean, projection.basis, projection.scales, rank);
        for (int p = 0; p < positions; p++) {
            for (int k = 0; k < outliers.length; k++) {
                h[p * width + outliers[k]] = exact[p * outliers.length + k];
            }
        }
        return new HiddenStates(positions, width, h);
    }

    private Projection projection(int boundary, int width) {
        if (width != codebook.width()) {
            throw new IllegalArgumentException("this SCM codebook is for hidden states of " + codebook.width() + " values, not " + width);
        }
        Projection projection = projections.get(boundary);
        if (projection != null) {
            return projection;
        }
        throw new IllegalArgumentException("this SCM codebook has no projection for "
                + "boundary " + boundary + " (it has " + codebook.boundaries().stream().map(b -> String.valueOf(b.boundary())).toList()
                + "); calibrate every boundary a route can use");
    }
}
