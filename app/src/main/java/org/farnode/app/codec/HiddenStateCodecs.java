package org.farnode.app.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The codecs this build knows, looked up by wire id or by name: fp32, fp16, int8 and int4
 * always; scm8, scm4, scm16, scm8w and scm4w when a calibrated codebook is loaded (they cannot
 * work without one).
 */
public final class HiddenStateCodecs {
    private static final List<HiddenStateCodec> BUILT_IN = List.of(new Fp32Codec(), new Fp16Codec(), BlockQuantizedCodec.int8(),
            BlockQuantizedCodec.int4());
    private static final List<String> CALIBRATED = List.of("scm8", "scm4", "scm16", "scm8w", "scm4w");

    private HiddenStateCodecs() {
    }

    /** The codecs that need no calibration. */
    public static List<HiddenStateCodec> all() {
        return BUILT_IN;
    }

    /** Every codec usable with {@code calibration}: the built-in ones, and the SCM ones when it is present. */
    public static List<HiddenStateCodec> available(Optional<CodecCalibration> calibration) {
        List<HiddenStateCodec> codecs = new ArrayList<>(BUILT_IN);
        calibration.ifPresent(c -> codecs.addAll(c.codecs()));
        return codecs;
    }

    public static Optional<HiddenStateCodec> byId(int id) {
        return BUILT_IN.stream().filter(c -> c.id() == id).findFirst();
    }

    public static Optional<HiddenStateCodec> byId(int id, Optional<CodecCalibration> calibration) {
        return available(calibration).stream().filter(c -> c.id() == id).findFirst();
    }

    /** Whether codec {@code id} needs a calibrated codebook (an SCM codec). */
    public static boolean needsCalibration(int id) {
        return id >= ScmCodec.INT8_ID && id <= ScmCodec.INT4_WINDOW_ID;
    }

    /** Whether the codec called {@code name} needs a calibrated codebook. */
    public static boolean needsCalibrationName(String name) {
        return CALIBRATED.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** The codec called {@code name}, without calibration; the message of a bad name lists the known ones. */
    public static HiddenStateCodec byName(String name) {
        return byName(name, Optional.empty());
    }

    /** The codec called {@code name}; an SCM codec needs {@code calibration}, and the message says so. */
    public static HiddenStateCodec byName(String name, Optional<CodecCalibration> calibration) {
        Optional<HiddenStateCodec> found = available(calibration).stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        if (CALIBRATED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("codec " + name + " needs a calibrated codebook: pass --scm FILE (written by far calibrate)");
        }
        List<String> names = new ArrayList<>(BUILT_IN.stream().map(HiddenStateCodec::name).toList());
        names.addAll(CALIBRATED);
        throw new IllegalArgumentException("unknown hidden-state codec '" + name + "'; known: " + String.join(", ", names));
    }
}
