#version 450
// Encodes a window of activations, value i = p*dim + j at x[p*stride + j] (p < count, j < dim),
// into the bytes of ActivationQuantization (its javadoc draws the layout); the output is viewed as
// 32-bit words, and lanes past the last value of the last word are written as zero.
//
// Variants:
//   FP16 : one thread per output word (values 2w, 2w+1), one dispatch.
//   BITS 8 / BITS 4 : two dispatches with a compute barrier between them:
//     pass 0: one thread per block (g = p*blocksPerPosition + b) writes scale word g;
//     pass 1: one thread per quants word w (values 4w..4w+3, or 8w..8w+7) reads the scales of
//             pass 0 and writes word (scale words + w). A word may span blocks and positions,
//             which is why the scales come first, from their own pass.
// Launch: workgroups of 256 threads along x, ceil(threads / 256) of them.
//
// Every step is exact IEEE arithmetic or integer work, so each device writes the same bytes as
// the Java reference: fp16 conversion is done on the bits (no packHalf2x16, whose rounding and
// handling of subnormals the Vulkan spec leaves to the device), and quantize() below finds the
// integer nearest the exact quotient x / scale with only exact operations.

layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 0) readonly buffer InputBits { uint xBits[]; };
layout(std430, set = 0, binding = 1) buffer Encoded { uint encoded[]; };
layout(push_constant) uniform Shape {
    uint dim;
    uint count;
    uint stride; // floats between positions of x, at least dim
    uint pass;   // 0: scales, 1: quants (blockwise variants only)
};

#define BLOCK 32u

#if defined(FP16)

// binary16 bits of float bits f, rounded to nearest even: Float.floatToFloat16 step for step, and
// NaN as ActivationQuantization.toHalf (sign, top 10 significand bits, quiet bit set).
uint halfBits(uint f) {
    uint sign = (f >> 16) & 0x8000u;
    uint magnitude = f & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) {
        return sign | 0x7E00u | ((f >> 13) & 0x3FFu);
    }
    if (magnitude >= 0x477FF000u) { // 65520, the binary16 maximum plus half an ulp, and beyond: infinity
        return sign | 0x7C00u;
    }
    if (magnitude <= 0x33000000u) { // 2^-25 and below (float subnormals included): zero
        return sign;
    }
    int exponent = int(magnitude >> 23) - 127;
    uint significand = magnitude & 0x007FFFFFu;
    uint shift = 13u;
    if (exponent < -14) { // a binary16 subnormal: shift the implicit bit in as well
        shift = uint(13 - 14 - exponent);
        exponent = -15;
        significand |= 0x00800000u;
    }
    uint bits = significand >> shift;
    uint lsb = significand & (1u << shift);
    uint round = significand & (1u << (shift - 1u));
    uint sticky = significand & ((1u << (shift - 1u)) - 1u);
    if (round != 0u && (lsb | sticky) != 0u) {
        bits += 1u; // a carry out of the significand steps the exponent, as it should
    }
    return sign | ((uint(exponent + 15) << 10) + bits);
}

void main() {
    uint w = gl_GlobalInvocationID.x;
    uint n = dim * count;
    if (2u * w >= n) {
        return;
    }
    uint word = 0u;
    for (uint k = 0u; k < 2u; k++) {
        uint i = 2u * w + k;
        if (i < n) {
            uint p = i / dim;
            word |= halfBits(xBits[p * stride + (i - p * dim)]) << (16u * k);
        }
    }
    encoded[w] = word;
}

#elif defined(BITS)

#if BITS == 8
#define LIMIT 127
#define INVERSE_LIMIT uintBitsToFloat(0x3C010204u) // fl(1/127), as ActivationQuantization
#elif BITS == 4
#define LIMIT 7
#define INVERSE_LIMIT uintBitsToFloat(0x3E124925u) // fl(1/7)
#else
#error "BITS must be 8 or 4"
#endif
#define VALUES_PER_WORD (32u / BITS)
#define SMALLEST_ENCODED_MAGNITUDE uintBitsToFloat(0x0D800000u) // 2^-100

uint blocksPerPosition() {
    return (dim + BLOCK - 1u) / BLOCK;
}

void writeScale(uint g) {
    uint blocks = blocksPerPosition();
    uint p = g / blocks;
    uint first = (g - p * blocks) * BLOCK;
    uint last = min(first + BLOCK, dim);
    float absmax = 0.0;
    for (uint j = first; j < last; j++) {
        absmax = max(absmax, abs(x[p * stride + j]));
    }
    // A subnormal absmax, flushed or not, is below the threshold either way.
    precise float scale = absmax < SMALLEST_ENCODED_MAGNITUDE ? 0.0 : absmax * INVERSE_LIMIT;
    encoded[g] = floatBitsToUint(scale);
}

// clamp(rint(v / s), -LIMIT, LIMIT) of the exact quotient, ties to even, for a scale that is 0 or a
// normal float (so 2^-107 or more), using only operations Vulkan makes exact: float multiplication
// and subtraction are correctly rounded, comparisons, floor and bit operations exact.
//  1. Multiply both by the power of two that brings the scale into [1, 2): exact, as |x| is at
//     most ~L·scale. A value that underflows becomes 0 or a subnormal, which rounds to 0 anyway.
//  2. The float quotient t0 = v / s (a few ulp, so within 2^-14 of the true t) leaves one
//     rounding boundary in doubt: h = floor(t0) + 1/2. The answer is floor(t0) + 1 when t > h,
//     floor(t0) when t < h, and the even one of the two when t = h.
//  3. Decide the sign of v − h·s exactly: s = high + low with high its top 12 significant bits,
//     so h·high and h·low (h has at most 9 significant bits) are exact, and v − h·high is exact
//     where it matters (v and h·high within a factor of 2 of each other: Sterbenz); where it is
//     not, |v − h·high| is far larger than h·low and the comparison cannot go wrong.
// `precise` keeps the compiler from fusing or reordering these steps.
int quantize(float value, float scale) {
    uint scaleBits = floatBitsToUint(scale);
    if (scaleBits == 0u) {
        return 0;
    }
    float power = uintBitsToFloat((254u - (scaleBits >> 23)) << 23); // 2^(127 - exponent); scales are positive
    precise float s = scale * power;
    precise float v = value * power;
    float n = floor(v / s);
    precise float h = n + 0.5;
    precise float high = uintBitsToFloat(floatBitsToUint(s) & 0xFFFFF000u);
    precise float low = s - high;
    precise float difference = v - h * high;
    precise float rest = h * low;
    int q = int(n);
    if (difference > rest || (difference == rest && (q & 1) != 0)) {
        q += 1;
    }
    return clamp(q, -LIMIT, LIMIT);
}

void writeQuants(uint w) {
    uint n = dim * count;
    uint blocks = blocksPerPosition();
    uint word = 0u;
    for (uint k = 0u; k < VALUES_PER_WORD; k++) {
        uint i = w * VALUES_PER_WORD + k;
        if (i < n) {
            uint p = i / dim;
            uint j = i - p * dim;
            float scale = uintBitsToFloat(encoded[p * blocks + j / BLOCK]);
            int q = quantize(x[p * stride + j], scale);
            word |= (uint(q) & ((1u << BITS) - 1u)) << (BITS * k);
        }
    }
    encoded[count * blocks + w] = word;
}

void main() {
    uint t = gl_GlobalInvocationID.x;
    if (pass == 0u) {
        if (t < count * blocksPerPosition()) {
            writeScale(t);
        }
    } else if (t * VALUES_PER_WORD < dim * count) {
        writeQuants(t);
    }
}

#else
#error "define FP16 or BITS 8 or BITS 4"
#endif
