// Shared by every FAR Node compute shader (inserted after #version and the shader's #defines).

// The four signed bytes of a little-endian word, lowest byte first, as floats.
vec4 signedBytes(uint word) {
    return vec4(float(int(word << 24) >> 24), float(int(word << 16) >> 24),
                float(int(word << 8) >> 24), float(int(word) >> 24));
}
