#version 450
// y[b][r] = sum_c W[r][c] * x[b][c] for every row r and vector b.
// One workgroup of WORKGROUP threads per (row, vector): gl_WorkGroupID = (r, b). The threads take
// the row's blocks in turn, each keeps one partial sum, and a shared-memory tree adds them.
//
// Weights are uploaded repacked (GpuMatrix), so every load is an aligned 32-bit word:
//   F32  : row r at word r*xStride, one float per word (rows zero-padded to xStride columns)
//   F16  : row r at word r*xStride/2, two halves per word (low half first)
//   Q8_0 : the f16 scales of all blocks first (block k = r*blocksPerRow + i, two per word), then
//          from word scaleWords, 8 words of 32 signed bytes per block
//   Q4_0 : scales as Q8_0, then 4 words per block: byte j holds value j (low nibble) and
//          value j+16 (high nibble), each worth (nibble - 8) * scale
// x is batch rows of xStride floats (zero-padded past the columns); y is batch rows of `rows`.

#define WORKGROUP 64
layout(local_size_x = WORKGROUP) in;

layout(std430, set = 0, binding = 0) readonly buffer Weights { uint w[]; };
layout(std430, set = 0, binding = 1) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Output { float y[]; };
layout(push_constant) uniform Shape {
    uint rows;
    uint columns;
    uint xStride;
    uint batch;
    uint scaleWords;
};

shared float partial[WORKGROUP];

float scaleOf(uint block) {
    uint word = w[block >> 1];
    return unpackHalf2x16((block & 1u) == 0u ? word : word >> 16).x;
}

void main() {
    uint r = gl_WorkGroupID.x;
    uint b = gl_WorkGroupID.y;
    uint t = gl_LocalInvocationID.x;
    uint xBase = b * xStride;
    float sum = 0.0;
#if defined(WEIGHTS_F32)
    uint rowBase = r * xStride;
    for (uint c = t * 4u; c < xStride; c += WORKGROUP * 4u) {
        vec4 weights = uintBitsToFloat(uvec4(w[rowBase + c], w[rowBase + c + 1u], w[rowBase + c + 2u], w[rowBase + c + 3u]));
        sum += dot(weights, vec4(x[xBase + c], x[xBase + c + 1u], x[xBase + c + 2u], x[xBase + c + 3u]));
    }
#elif defined(WEIGHTS_F16)
    uint rowBase = r * (xStride / 2u);
    for (uint c = t * 8u; c < xStride; c += WORKGROUP * 8u) {
        uint at = rowBase + c / 2u;
        for (uint i = 0u; i < 4u; i++) {
            vec2 pair = unpackHalf2x16(w[at + i]);
            sum += pair.x * x[xBase + c + 2u * i] + pair.y * x[xBase + c + 2u * i + 1u];
        }
    }
#elif defined(WEIGHTS_Q8_0)
    uint blocksPerRow = columns / 32u;
    for (uint i = t; i < blocksPerRow; i += WORKGROUP) {
        uint block = r * blocksPerRow + i;
        uint q = scaleWords + block * 8u;
        uint c = xBase + i * 32u;
        float blockSum = 0.0;
        for (uint j = 0u; j < 8u; j++) {
            blockSum += dot(signedBytes(w[q + j]), vec4(x[c + 4u * j], x[c + 4u * j + 1u], x[c + 4u * j + 2u], x[c + 4u * j + 3u]));
        }
        sum += scaleOf(block) * blockSum;
    }
#elif defined(WEIGHTS_Q4_0)
    uint blocksPerRow = columns / 32u;
    for (uint i = t; i < blocksPerRow; i += WORKGROUP) {
        uint block = r * blocksPerRow + i;
        uint q = scaleWords + block * 4u;
        uint c = xBase + i * 32u;
        float blockSum = 0.0;
        for (uint j = 0u; j < 4u; j++) {
            uint word = w[q + j];
            vec4 low = vec4(float(word & 15u), float((word >> 8) & 15u), float((word >> 16) & 15u), float((word >> 24) & 15u)) - 8.0;
            vec4 high = vec4(float((word >> 4) & 15u), float((word >> 12) & 15u), float((word >> 20) & 15u), float(word >> 28)) - 8.0;
            uint lowAt = c + 4u * j;
            uint highAt = lowAt + 16u;
            blockSum += dot(low, vec4(x[lowAt], x[lowAt + 1u], x[lowAt + 2u], x[lowAt + 3u]));
            blockSum += dot(high, vec4(x[highAt], x[highAt + 1u], x[highAt + 2u], x[highAt + 3u]));
        }
        sum += scaleOf(block) * blockSum;
    }
#else
#error "define one of WEIGHTS_F32, WEIGHTS_F16, WEIGHTS_Q8_0, WEIGHTS_Q4_0"
#endif
    partial[t] = sum;
    barrier();
    for (uint width = WORKGROUP / 2u; width > 0u; width >>= 1) {
        if (t < width) {
            partial[t] += partial[t + width];
        }
        barrier();
    }
    if (t == 0u) {
        y[b * rows + r] = partial[0];
    }
}
