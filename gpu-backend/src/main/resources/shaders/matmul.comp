#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// y[b][r] = sum_c W[r][c] * x[b][c] for every row r and vector b.
// One workgroup of WORKGROUP threads per row and TILE consecutive vectors: gl_WorkGroupID =
// (r, b / TILE). The threads take the row's units (see below) in turn; each unit is decoded once
// and multiplied with all TILE vectors, so a batch reads each weight once
// per tile instead of once per vector. Subgroups add their partial sums with subgroupAdd and one
// thread adds the subgroups' sums (one barrier, whatever the device's subgroup size).
//
// Weights are uploaded repacked (GpuMatrix), so every load is aligned:
//   F32  : row r at vector r*wStride/4, four floats per vector (rows zero-padded to wStride columns)
//   F16  : row r at vector r*wStride/8, eight halves per vector (low half of each word first)
//   Q8_0 : the f16 scales of all blocks first (block k = r*blocksPerRow + i, two per word, the
//          table padded to whole vectors), then from vector scaleVectors two vectors of 32 signed
//          bytes per block
//   Q4_0 : scales as Q8_0, then one vector per block: byte j holds value j (low nibble) and value
//          j+16 (high nibble), each worth (nibble - 8) * scale
// x is batch rows of xStride floats (zero past the columns up to wStride; xStride and wStride are
// multiples of 4, and of 8 for F16); y is batch rows of yStride floats, of which `rows` are written
// (or added to, with `accumulate`).

#ifndef WORKGROUP
#define WORKGROUP 32
#endif
#ifndef TILE
#define TILE 1
#endif
layout(local_size_x = WORKGROUP) in;

layout(std430, set = 0, binding = 0) readonly buffer Weights { uvec4 w[]; };
layout(std430, set = 0, binding = 0) readonly buffer Scales { uint scaleWords[]; };
layout(std430, set = 0, binding = 1) readonly buffer Input { vec4 x[]; };
layout(std430, set = 0, binding = 2) buffer Output { float y[]; };
layout(push_constant) uniform Shape {
    uint rows;
    uint columns;
    uint wStride;
    uint xStride;
    uint yStride;
    uint batch;
    uint scaleVectors;
    uint accumulate; // 1: y += W x (a residual connection folded into the product), 0: y = W x
};

shared float subgroupSums[TILE * WORKGROUP];

float scaleOf(uint block) {
    uint word = scaleWords[block >> 1];
    return unpackHalf2x16((block & 1u) == 0u ? word : word >> 16).x;
}

vec4 lowNibbles(uint word) {
    return vec4(float(word & 15u), float((word >> 8) & 15u), float((word >> 16) & 15u), float((word >> 24) & 15u)) - 8.0;
}

vec4 highNibbles(uint word) {
    return vec4(float((word >> 4) & 15u), float((word >> 12) & 15u), float((word >> 20) & 15u), float(word >> 28)) - 8.0;
}

// A unit is the weights one thread decodes at a time: VECTORS groups of four values, times a
// scale, multiplied with the input at xOffset(u, k). Neighbouring threads take neighbouring units,
// and for the quantized types a unit is one 32-bit word, so a subgroup's loads of weights and of
// inputs are contiguous (threads of one block share its scale).
#if defined(WEIGHTS_F32)
#define VECTORS 1
uint unitsPerRow() { return wStride / 4u; }
uint xOffset(uint u, uint k) { return u; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    v[0] = uintBitsToFloat(w[r * (wStride / 4u) + u]);
    return 1.0;
}
#elif defined(WEIGHTS_F16)
#define VECTORS 2
uint unitsPerRow() { return wStride / 8u; }
uint xOffset(uint u, uint k) { return 2u * u + k; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    uvec4 halves = w[r * (wStride / 8u) + u];
    v[0] = vec4(unpackHalf2x16(halves.x), unpackHalf2x16(halves.y));
    v[1] = vec4(unpackHalf2x16(halves.z), unpackHalf2x16(halves.w));
    return 1.0;
}
#elif defined(WEIGHTS_Q8_0)
// A unit is one word: four signed bytes, values 4j..4j+3 of block u / 8 (j = u % 8).
#define VECTORS 1
uint unitsPerRow() { return columns / 4u; }
uint xOffset(uint u, uint k) { return u; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    uint blocksPerRow = columns / 32u;
    v[0] = signedBytes(scaleWords[scaleVectors * 4u + r * blocksPerRow * 8u + u]);
    return scaleOf(r * blocksPerRow + u / 8u);
}
#elif defined(WEIGHTS_Q4_0)
// A unit is one word of block u / 4 (j = u % 4): values 4j..4j+3 in its low nibbles and
// 16+4j..16+4j+3 in its high nibbles.
#define VECTORS 2
uint unitsPerRow() { return columns / 8u; }
uint xOffset(uint u, uint k) { return (u / 4u) * 8u + (u % 4u) + 4u * k; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    uint blocksPerRow = columns / 32u;
    uint word = scaleWords[scaleVectors * 4u + r * blocksPerRow * 4u + u];
    v[0] = lowNibbles(word);
    v[1] = highNibbles(word);
    return scaleOf(r * blocksPerRow + u / 4u);
}
#else
#error "define one of WEIGHTS_F32, WEIGHTS_F16, WEIGHTS_Q8_0, WEIGHTS_Q4_0"
#endif

void main() {
    uint r = gl_WorkGroupID.x;
    uint firstVector = gl_WorkGroupID.y * TILE;
    uint t = gl_LocalInvocationID.x;
    float sums[TILE];
    for (uint b = 0u; b < TILE; b++) {
        sums[b] = 0.0;
    }
    uint units = unitsPerRow();
    for (uint u = t; u < units; u += WORKGROUP) {
        vec4 v[VECTORS];
        float scale = decode(r, u, v);
        for (uint b = 0u; b < TILE; b++) {
            if (firstVector + b < batch) {
                uint base = (firstVector + b) * (xStride / 4u);
                float unitSum = 0.0;
                for (uint k = 0u; k < VECTORS; k++) {
                    unitSum += dot(v[k], x[base + xOffset(u, k)]);
                }
                sums[b] += scale * unitSum;
            }
        }
    }
    for (uint b = 0u; b < TILE; b++) {
        float subgroupSum = subgroupAdd(sums[b]);
        if (subgroupElect()) {
            subgroupSums[b * WORKGROUP + gl_SubgroupID] = subgroupSum;
        }
    }
    barrier();
    if (t < TILE && firstVector + t < batch) {
        float total = 0.0;
        for (uint s = 0u; s < gl_NumSubgroups; s++) {
            total += subgroupSums[t * WORKGROUP + s];
        }
        uint at = (firstVector + t) * yStride + r;
        y[at] = accumulate != 0u ? y[at] + total : total;
    }
}
