package org.farnode.app.codec;

import java.util.List;
import java.util.Optional;

/** The codecs this build knows, looked up by wire id or by name. */
public final class HiddenStateCodecs {
    private static final List<HiddenStateCodec> ALL = List.of(new Fp32Codec(), new Fp16Codec());

    private HiddenStateCodecs() {
    }

    public static List<HiddenStateCodec> all() {
        return ALL;
    }

    public static Optional<HiddenStateCodec> byId(int id) {
        return ALL.stream().filter(c -> c.id() == id).findFirst();
    }

    /** The codec called {@code name}; the message of a bad name lists the known ones. */
    public static HiddenStateCodec byName(String name) {
        return ALL.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown hidden-state codec '" + name + "'; known: "
                        + String.join(", ", ALL.stream().map(HiddenStateCodec::name).toList())));
    }
}
