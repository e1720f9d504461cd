package org.farnode.app.codec;

/** Checks every codec makes of bytes it is asked to decode. */
final class CodecChecks {
    private CodecChecks() {
    }

    static void requireSize(HiddenStateCodec codec, byte[] bytes, int positions, int width) {
        if (positions < 1 || width < 1) {
            throw new IllegalArgumentException("a window needs at least one position and one value each, got "
                    + positions + " × " + width);
        }
        long expected = codec.encodedBytes(positions, width);
        if (bytes.length != expected) {
            throw new IllegalArgumentException(codec.name() + " hidden states of " + positions + " × " + width + " take "
                    + expected + " bytes, got " + bytes.length);
        }
    }
}
