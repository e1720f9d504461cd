package org.farnode.app.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.shard.HiddenStates;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.vulkan.GpuProjectionCodec;

/**
 * {@link ScmCodec} with its projections and coefficient coding on a GPU: the same id, name, codebook
 * hash and payload (body and CRC-32C), so either end may use either codec. The outliers (a few
 * f32 copies) and the checksum stay on the host; the coefficients are computed, quantized,
 * dequantized and projected back by {@link GpuProjectionCodec}, one submission per window.
 *
 * <p>The deviations are folded into the matrices uploaded per boundary (once, at the boundary's
 * first window): the encode matrix has rows {@code B_i / d_i} and the decode matrix rows
 * {@code B_i · d_i} ({@code d_i} = 1 where the deviation is 0, as {@link ScmCodec} does), so the
 * device's products give the scaled coefficients directly.
 *
 * <p>Differences from {@link ScmCodec}, which sums in double and rounds once: a coefficient is an
 * f32 sum in the device's order, so it may differ in its last bits, and a code that sits at a
 * rounding boundary may then differ by one step (of its block's scale in scm8 and scm4, one
 * binary16 spacing in scm16); a decoded value differs in the rounding of the f32 product. Windows larger than the kernels take ({@link GpuProjectionCodec#maxWindow}) are
 * coded by the CPU reference, which writes the same format.
 */
public final class GpuScmCodec extends ChecksummedCodec {
    private static final ValueLayout.OfFloat LITTLE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LITTLE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final ScmCodec reference;
    private final ActivationFormat format;
    private final GpuProjectionCodec device;
    /** Per boundary, its matrices on the device (a boundary of rank 0 has nothing to project and none). */
    private final Map<Integer, GpuProjectionCodec.Projection> projections = new HashMap<>();

    /** {@code reference}'s codec on the GPU that {@code device} runs on; see {@link #supports}. */
    public GpuScmCodec(ScmCodec reference, GpuProjectionCodec device) {
        if (!supports(reference)) {
            throw new IllegalArgumentException(reference.name() + " has no GPU codec: only scm8, scm4 and scm16 do");
        }
        this.reference = reference;
        this.format = switch (reference.id()) {
            case ScmCodec.INT8_ID -> ActivationFormat.INT8;
            case ScmCodec.INT4_ID -> ActivationFormat.INT4;
            default -> ActivationFormat.FP16;
        };
        this.device = device;
    }

    /**
     * Whether {@code codec} has a GPU twin: the SCM codecs that code each position's coefficients
     * in {@link org.farnode.backend.ops.ActivationQuantization}'s layout (scm8, scm4, scm16), which
     * the GPU's encoders write.
     */
    public static boolean supports(HiddenStateCodec codec) {
        return codec instanceof ScmCodec
                && (codec.id() == ScmCodec.INT8_ID || codec.id() == ScmCodec.INT4_ID || codec.id() == ScmCodec.FP16_ID);
    }

    @Override
    public int id() {
        return reference.id();
    }

    @Override
    public String name() {
        return reference.name();
    }

    @Override
    public byte[] calibrationHash() {
        return reference.calibrationHash();
    }

    /** The CPU codec this one writes the payloads of. */
    public ScmCodec reference() {
        return reference;
    }

    @Override
    protected long bodyBytes(int positions, int width, int boundary) {
        return reference.bodyBytes(positions, width, boundary); // also checks the width and that the boundary is calibrated
    }

    @Override
    protected void encodeBody(HiddenStates states, int boundary, ByteBuffer out) {
        ScmBoundary projection = boundary(boundary);
        int positions = states.positions();
        if (!fitsTheDevice(projection, positions)) {
            out.put(reference.encode(states, boundary), 0, Math.toIntExact(bodyBytes(positions, states.width(), boundary)));
            return;
        }
        float[] h = states.values();
        int width = states.width();
        int[] outliers = projection.outliers();
        for (int p = 0; p < positions; p++) {
            for (int o : outliers) {
                out.putFloat(h[p * width + o]);
            }
        }
        if (projection.rank() == 0) {
            return;
        }
        requireFinite(h, width);
        int bytes = Math.toIntExact(format.encodedBytes(projection.rank(), positions));
        MemorySegment coefficients = MemorySegment.ofBuffer(out).asSlice(0, bytes);
        device.encode(upload(projection), MemorySegment.ofArray(h), positions, coefficients);
        requireFiniteCodes(coefficients, projection.rank(), positions);
        out.position(out.position() + bytes);
    }

    @Override
    protected HiddenStates decodeBody(ByteBuffer in, int positions, int width, int boundary) {
        ScmBoundary projection = boundary(boundary);
        if (!fitsTheDevice(projection, positions)) {
            return reference.decodeBody(in, positions, width, boundary);
        }
        int[] outliers = projection.outliers();
        float[] exact = new float[positions * outliers.length];
        for (int i = 0; i < exact.length; i++) {
            exact[i] = in.getFloat();
        }
        float[] h = new float[positions * width];
        if (projection.rank() == 0) {
            float[] mean = projection.mean();
            for (int p = 0; p < positions; p++) {
                System.arraycopy(mean, 0, h, p * width, width);
            }
        } else {
            int bytes = Math.toIntExact(format.encodedBytes(projection.rank(), positions));
            device.decode(upload(projection), MemorySegment.ofBuffer(in).asSlice(0, bytes), positions, MemorySegment.ofArray(h));
            in.position(in.position() + bytes);
        }
        for (int p = 0; p < positions; p++) {
            for (int k = 0; k < outliers.length; k++) {
                h[p * width + outliers[k]] = exact[p * outliers.length + k];
            }
        }
        return new HiddenStates(positions, width, h);
    }

    /** The calibrated boundary (ChecksummedCodec has checked, through {@link #bodyBytes}, that there is one). */
    private ScmBoundary boundary(int boundary) {
        return reference.codebook().at(boundary).orElseThrow();
    }

    private static boolean fitsTheDevice(ScmBoundary projection, int positions) {
        return projection.rank() == 0 || positions <= GpuProjectionCodec.maxWindow(projection.rank(), projection.width());
    }

    /** The boundary's matrices on the device, uploaded at its first window with the deviations folded in. */
    private synchronized GpuProjectionCodec.Projection upload(ScmBoundary boundary) {
        return projections.computeIfAbsent(boundary.boundary(), b -> {
            int rank = boundary.rank();
            int width = boundary.width();
            float[] basis = boundary.basis();
            float[] deviations = boundary.deviations();
            float[] encode = new float[rank * width];
            float[] decode = new float[rank * width];
            for (int i = 0; i < rank; i++) {
                double d = deviations[i] > 0 ? deviations[i] : 1; // a direction without variance is sent as it is, as ScmCodec does
                for (int j = 0; j < width; j++) {
                    encode[i * width + j] = (float) (basis[i * width + j] / d);
                    decode[i * width + j] = (float) (basis[i * width + j] * d);
                }
            }
            return device.upload(format, rank, width, encode, decode, boundary.mean());
        });
    }

    /** Refuses what {@link ScmCodec} refuses: a non-finite value makes a coefficient non-finite, which cannot be quantized. */
    private static void requireFinite(float[] h, int width) {
        for (int i = 0; i < h.length; i++) {
            if (!Float.isFinite(h[i])) {
                throw new IllegalArgumentException("value " + h[i] + " (position " + i / width + " of the window, index " + i % width
                        + ") cannot be encoded: only finite values can");
            }
        }
    }

    /**
     * Refuses a window whose coded coefficients are not finite: a coefficient that overflowed f32
     * leaves a non-finite block scale (the device's bytes for it are unspecified), and one beyond
     * binary16's range an infinite half (where {@link ScmCodec} sends an scm16 coefficient between
     * 65504 and f32's largest as infinity, which the receiving node then refuses).
     */
    private void requireFiniteCodes(MemorySegment encoded, int rank, int positions) {
        int blocks = ActivationFormat.blocksPerPosition(rank);
        int codes = format.blockwise() ? positions * blocks : positions * rank;
        for (int k = 0; k < codes; k++) {
            boolean finite = format.blockwise() ? Float.isFinite(encoded.get(LITTLE_FLOAT, 4L * k))
                    : (encoded.get(LITTLE_SHORT, 2L * k) & 0x7C00) != 0x7C00; // all exponent bits set: infinity or NaN
            if (!finite) {
                int position = format.blockwise() ? k / blocks : k / rank;
                throw new IllegalArgumentException("the coefficients of position " + position + " of the window overflow "
                        + (format.blockwise() ? "f32" : "binary16") + " and cannot be coded");
            }
        }
    }
}
