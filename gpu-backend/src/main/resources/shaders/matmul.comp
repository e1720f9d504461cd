#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// y[b][r] = sum_c W[r][c] * x[b][c] for every row r and vector b.
// One workgroup of WORKGROUP threads per row and TILE consecutive vectors: gl_WorkGroupID =
// (r, b / TILE). The threads take the row's units (a few 16-byte loads of weights) in turn; each
// unit is decoded once and multiplied with all TILE vectors, so a batch reads each weight once
// per tile instead of once per vector. Subgroups add their partial sums with subgroupAdd and one
// thread adds the subgroups' sums (one barrier, whatever the device's subgroup size).
//
// Weights are uploaded repacked (GpuMatrix), so every load is an aligned 16-byte vector:
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

// A unit is the weights one thread decodes at a time: VECTORS groups of four values, times a scale.
#if defined(WEIGHTS_F32)
#define VECTORS 1
uint unitsPerRow() { return wStride / 4u; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    v[0] = uintBitsToFloat(w[r * (wStride / 4u) + u]);
    return 1.0;
}
#elif defined(WEIGHTS_F16)
#define VECTORS 2
uint unitsPerRow() { return wStride / 8u; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    uvec4 halves = w[r * (wStride / 8u) + u];
    v[0] = vec4(unpackHalf2x16(halves.x), unpackHalf2x16(halves.y));
    v[1] = vec4(unpackHalf2x16(halves.z), unpackHalf2x16(halves.w));
    return 1.0;
}
#elif defined(WEIGHTS_Q8_0)
#define VECTORS 8
uint unitsPerRow() { return columns / 32u; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    uint block = r * (columns / 32u) + u;
    uvec4 q0 = w[scaleVectors + 2u * block];
    uvec4 q1 = w[scaleVectors + 2u * block + 1u];
    v[0] = signedBytes(q0.x); v[1] = signedBytes(q0.y); v[2] = signedBytes(q0.z); v[3] = signedBytes(q0.w);
    v[4] = signedBytes(q1.x); v[5] = signedBytes(q1.y); v[6] = signedBytes(q1.z); v[7] = signedBytes(q1.w);
    return scaleOf(block);
}
#elif defined(WEIGHTS_Q4_0)
#define VECTORS 8
uint unitsPerRow() { return columns / 32u; }
float decode(uint r, uint u, out vec4 v[VECTORS]) {
    uint block = r * (columns / 32u) + u;
    uvec4 q = w[scaleVectors + block];
    v[0] = lowNibbles(q.x); v[1] = lowNibbles(q.y); v[2] = lowNibbles(q.z); v[3] = lowNibbles(q.w);
    v[4] = highNibbles(q.x); v[5] = highNibbles(q.y); v[6] = highNibbles(q.z); v[7] = highNibbles(q.w);
    return scaleOf(block);
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
                uint at = (firstVector + b) * (xStride / 4u) + u * VECTORS;
                float unitSum = 0.0;
                for (uint k = 0u; k < VECTORS; k++) {
                    unitSum += dot(v[k], x[at + k]);
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
