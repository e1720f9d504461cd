#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// y[b][r] = sum_c W[r][c] * x[b][c] for every row r and vector b.
// One workgroup of WORKGROUP threads per (row, vector): gl_WorkGroupID = (r, b). The threads take
// the row's blocks in turn, each keeps one partial sum; subgroups add theirs with subgroupAdd and
// one thread adds the subgroups' sums (one barrier, whatever the device's subgroup size).
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

shared float subgroupSums[WORKGROUP];

float scaleOf(uint block) {
    uint word = scaleWords[block >> 1];
    return unpackHalf2x16((block & 1u) == 0u ? word : word >> 16).x;
}

float halfDot(uvec4 halves, vec4 a, vec4 b) {
    vec2 h0 = unpackHalf2x16(halves.x);
    vec2 h1 = unpackHalf2x16(halves.y);
    vec2 h2 = unpackHalf2x16(halves.z);
    vec2 h3 = unpackHalf2x16(halves.w);
    return dot(vec4(h0, h1), a) + dot(vec4(h2, h3), b);
}

vec4 lowNibbles(uint word) {
    return vec4(float(word & 15u), float((word >> 8) & 15u), float((word >> 16) & 15u), float((word >> 24) & 15u)) - 8.0;
}

vec4 highNibbles(uint word) {
    return vec4(float((word >> 4) & 15u), float((word >> 12) & 15u), float((word >> 20) & 15u), float(word >> 28)) - 8.0;
}

void main() {
    uint r = gl_WorkGroupID.x;
    uint b = gl_WorkGroupID.y;
    uint t = gl_LocalInvocationID.x;
    uint xBase = b * (xStride / 4u);
    float sum = 0.0;
#if defined(WEIGHTS_F32)
    uint rowBase = r * (wStride / 4u);
    for (uint v = t; v < wStride / 4u; v += WORKGROUP) {
        sum += dot(uintBitsToFloat(w[rowBase + v]), x[xBase + v]);
    }
#elif defined(WEIGHTS_F16)
    uint rowBase = r * (wStride / 8u);
    for (uint v = t; v < wStride / 8u; v += WORKGROUP) {
        sum += halfDot(w[rowBase + v], x[xBase + 2u * v], x[xBase + 2u * v + 1u]);
    }
#elif defined(WEIGHTS_Q8_0)
    uint blocksPerRow = columns / 32u;
    for (uint i = t; i < blocksPerRow; i += WORKGROUP) {
        uint block = r * blocksPerRow + i;
        uvec4 q0 = w[scaleVectors + 2u * block];
        uvec4 q1 = w[scaleVectors + 2u * block + 1u];
        uint c = xBase + i * 8u;
        float blockSum = dot(signedBytes(q0.x), x[c]) + dot(signedBytes(q0.y), x[c + 1u])
                + dot(signedBytes(q0.z), x[c + 2u]) + dot(signedBytes(q0.w), x[c + 3u])
                + dot(signedBytes(q1.x), x[c + 4u]) + dot(signedBytes(q1.y), x[c + 5u])
                + dot(signedBytes(q1.z), x[c + 6u]) + dot(signedBytes(q1.w), x[c + 7u]);
        sum += scaleOf(block) * blockSum;
    }
#elif defined(WEIGHTS_Q4_0)
    uint blocksPerRow = columns / 32u;
    for (uint i = t; i < blocksPerRow; i += WORKGROUP) {
        uint block = r * blocksPerRow + i;
        uvec4 q = w[scaleVectors + block];
        uint c = xBase + i * 8u;
        float blockSum = dot(lowNibbles(q.x), x[c]) + dot(lowNibbles(q.y), x[c + 1u])
                + dot(lowNibbles(q.z), x[c + 2u]) + dot(lowNibbles(q.w), x[c + 3u])
                + dot(highNibbles(q.x), x[c + 4u]) + dot(highNibbles(q.y), x[c + 5u])
                + dot(highNibbles(q.z), x[c + 6u]) + dot(highNibbles(q.w), x[c + 7u]);
        sum += scaleOf(block) * blockSum;
    }
#else
#error "define one of WEIGHTS_F32, WEIGHTS_F16, WEIGHTS_Q8_0, WEIGHTS_Q4_0"
#endif
    float subgroupSum = subgroupAdd(sum);
    if (subgroupElect()) {
        subgroupSums[gl_SubgroupID] = subgroupSum;
    }
    barrier();
    if (t == 0u) {
        float total = 0.0;
        for (uint s = 0u; s < gl_NumSubgroups; s++) {
            total += subgroupSums[s];
        }
        uint at = b * yStride + r;
        y[at] = accumulate != 0u ? y[at] + total : total;
    }
}
