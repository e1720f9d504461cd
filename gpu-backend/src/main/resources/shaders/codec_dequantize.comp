#version 450
// Decodes a window encoded as ActivationQuantization lays it out (see its javadoc) into
// y[p*stride + j] for value i = p*dim + j (p < count, j < dim); nothing else of y is written.
//
// Variants, one thread per word of the encoding's values region:
//   FP16   : word w holds values 2w (low half) and 2w+1; the float bits are built from the half's
//            bits (no unpackHalf2x16, which may flush binary16 subnormals), as
//            ActivationQuantization.fromHalf.
//   BITS 8 : word w holds values 4w..4w+3, lowest byte first: y = float(q) * scale.
//   BITS 4 : word w holds values 8w..8w+7, lowest nibble first: y = float(q) * scale.
// The product is one correctly rounded multiplication, so every device writes the reference's bits.
// Launch: workgroups of 256 threads along x, ceil(words / 256) of them, one dispatch.

layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Encoded { uint encoded[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Output { float y[]; };
layout(std430, set = 0, binding = 1) writeonly buffer OutputBits { uint yBits[]; };
layout(push_constant) uniform Shape {
    uint dim;
    uint count;
    uint stride; // floats between positions of y, at least dim
    uint unused; // the encoder's pass selector; one push-constant layout serves both
};

#define BLOCK 32u

#if defined(FP16)

// Float bits of binary16 bits h (low 16 bits), exactly as Float.float16ToFloat; NaN quiet, as
// ActivationQuantization.fromHalf.
uint floatBits(uint h) {
    uint sign = (h & 0x8000u) << 16;
    uint exponent = (h >> 10) & 0x1Fu;
    uint significand = h & 0x3FFu;
    if (exponent == 0x1Fu) { // infinity, or NaN with its payload and the quiet bit
        return sign | (significand == 0u ? 0x7F800000u : 0x7FC00000u) | (significand << 13);
    }
    if (exponent != 0u) {
        return sign | ((exponent + 112u) << 23) | (significand << 13); // rebias 15 -> 127
    }
    if (significand == 0u) {
        return sign;
    }
    // A binary16 subnormal, significand * 2^-24: normal as a float once its top bit is implicit.
    uint top = uint(findMSB(significand));
    return sign | ((top + 103u) << 23) | ((significand << (23u - top)) & 0x007FFFFFu);
}

void main() {
    uint w = gl_GlobalInvocationID.x;
    uint n = dim * count;
    if (2u * w >= n) {
        return;
    }
    uint word = encoded[w];
    for (uint k = 0u; k < 2u; k++) {
        uint i = 2u * w + k;
        if (i < n) {
            uint p = i / dim;
            yBits[p * stride + (i - p * dim)] = floatBits((word >> (16u * k)) & 0xFFFFu);
        }
    }
}

#elif defined(BITS)

#if BITS != 8 && BITS != 4
#error "BITS must be 8 or 4"
#endif
#define VALUES_PER_WORD (32u / BITS)

void main() {
    uint w = gl_GlobalInvocationID.x;
    uint n = dim * count;
    if (w * VALUES_PER_WORD >= n) {
        return;
    }
    uint blocks = (dim + BLOCK - 1u) / BLOCK;
    uint word = encoded[count * blocks + w];
    for (uint k = 0u; k < VALUES_PER_WORD; k++) {
        uint i = w * VALUES_PER_WORD + k;
        if (i < n) {
            uint p = i / dim;
            uint j = i - p * dim;
            int q = bitfieldExtract(int(word), int(BITS * k), BITS); // sign-extended
            precise float value = float(q) * uintBitsToFloat(encoded[p * blocks + j / BLOCK]);
            y[p * stride + j] = value;
        }
    }
}

#else
#error "define FP16 or BITS 8 or BITS 4"
#endif
