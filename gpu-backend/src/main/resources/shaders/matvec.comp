#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// y[r] = sum_c W[r][c] * x[c] for one vector: the decode step's product, bound by how fast the
// weights stream from memory. Same weight layout, bindings and push constants as matmul.comp
// (see there; `batch` must be 1).
//
// A workgroup of WORKGROUP threads takes ROWS consecutive rows. Each thread walks the columns in
// units of one 16-byte vector of weights per row (Q4_0: 8 bytes, see there; 16 bytes is the widest load, so every load
// instruction moves the most bytes), loads the unit's inputs once and uses them for all ROWS
// rows: several independent 16-byte loads in flight per thread keep the memory system busy, and
// the input is read once per workgroup instead of once per row. Partial sums are added across
// subgroups with subgroupAdd, then across the workgroup in shared memory.
//
// With SWIGLU_INPUT the input is not x but silu(g) * u, g = x[c] and u = x[upOffset + c]: the
// SwiGLU activation computed while loading the down projection's input, so it costs no dispatch
// of its own (and the stacked gate/up product writes g and u side by side).
//
// With NORM_INPUT the input is RMSNorm(x) * weight: each workgroup reads all of x anyway, so it
// adds up the squares as it goes and scales its sums at the end (the norm's scale is one factor
// per vector), and the norm costs no dispatch of its own either. The norm weight (binding 3) must
// hold wStride floats, zeros past the columns.

#ifndef WORKGROUP
#define WORKGROUP 64
#endif
#ifndef ROWS
#define ROWS 4
#endif
layout(local_size_x = WORKGROUP) in;

layout(std430, set = 0, binding = 0) readonly buffer Weights { uvec4 w[]; };
layout(std430, set = 0, binding = 0) readonly buffer Scales { uint scaleWords[]; };
layout(std430, set = 0, binding = 0) readonly buffer Halves { uvec2 w2[]; };
layout(std430, set = 0, binding = 1) readonly buffer Input { vec4 x[]; };
layout(std430, set = 0, binding = 2) buffer Output { float y[]; };
#ifdef NORM_INPUT
layout(std430, set = 0, binding = 3) readonly buffer NormWeight { vec4 normWeight[]; };
#endif
layout(push_constant) uniform Shape {
    uint rows;
    uint columns;
    uint wStride;
    uint xStride;   // NORM_INPUT: the norm's epsilon (float bits); otherwise unused (one vector)
    uint yStride;   // unused here: one vector
    uint upOffset;  // SWIGLU_INPUT: floats from g to u (a multiple of 4); otherwise the batch, 1
    uint scaleVectors;
    uint accumulate; // 1: y += W x (a residual connection folded into the product), 0: y = W x
};

shared float subgroupSums[(ROWS + 1) * WORKGROUP]; // per row, then the squares of x

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

vec4 input4(uint at) {
#ifdef SWIGLU_INPUT
    vec4 g = x[at];
    return g / (1.0 + exp(-g)) * x[at + upOffset / 4u];
#else
    return x[at];
#endif
}

// A unit is one uvec4 of a row's weights (Q4_0: one uvec2): INPUTS vec4s of input, read at unitInput(u, k).
#if defined(WEIGHTS_F32)
#define INPUTS 1
uint unitsPerRow() { return wStride / 4u; }
uint unitInput(uint u, uint k) { return u; }
float dotUnit(uint r, uint u, vec4 xs[INPUTS]) {
    return dot(uintBitsToFloat(w[r * (wStride / 4u) + u]), xs[0]);
}
#elif defined(WEIGHTS_F16)
#define INPUTS 2
uint unitsPerRow() { return wStride / 8u; }
uint unitInput(uint u, uint k) { return 2u * u + k; }
float dotUnit(uint r, uint u, vec4 xs[INPUTS]) {
    uvec4 h = w[r * (wStride / 8u) + u];
    return dot(vec4(unpackHalf2x16(h.x), unpackHalf2x16(h.y)), xs[0]) + dot(vec4(unpackHalf2x16(h.z), unpackHalf2x16(h.w)), xs[1]);
}
#elif defined(WEIGHTS_Q8_0)
// Half a block: sixteen signed bytes, values 16(u%2)..16(u%2)+15 of block u/2.
#define INPUTS 4
uint unitsPerRow() { return columns / 16u; }
uint unitInput(uint u, uint k) { return 4u * u + k; }
float dotUnit(uint r, uint u, vec4 xs[INPUTS]) {
    uint blocksPerRow = columns / 32u;
    uvec4 q = w[scaleVectors + r * blocksPerRow * 2u + u];
    float sum = dot(signedBytes(q.x), xs[0]) + dot(signedBytes(q.y), xs[1]) + dot(signedBytes(q.z), xs[2]) + dot(signedBytes(q.w), xs[3]);
    return scaleOf(r * blocksPerRow + u / 2u) * sum;
}
#elif defined(WEIGHTS_Q4_0)
// Half a block (8 bytes): its words j = 2(u%2), 2(u%2)+1 hold values 4j..4j+3 in their low nibbles
// and 16+4j..16+4j+3 in their high ones. Half blocks rather than whole ones, so a row of 2048
// columns still gives 128 threads a unit each.
#define INPUTS 4
uint unitsPerRow() { return columns / 16u; }
uint unitInput(uint u, uint k) { return 8u * (u / 2u) + 2u * (u % 2u) + (k % 2u) + 4u * (k / 2u); }
float dotUnit(uint r, uint u, vec4 xs[INPUTS]) {
    uint blocksPerRow = columns / 32u;
    uvec2 q = w2[2u * (scaleVectors + r * blocksPerRow) + u];
    float sum = dot(lowNibbles(q.x), xs[0]) + dot(lowNibbles(q.y), xs[1]) + dot(highNibbles(q.x), xs[2]) + dot(highNibbles(q.y), xs[3]);
    return scaleOf(r * blocksPerRow + u / 2u) * sum;
}
#else
#error "define one of WEIGHTS_F32, WEIGHTS_F16, WEIGHTS_Q8_0, WEIGHTS_Q4_0"
#endif

void main() {
    uint firstRow = gl_WorkGroupID.x * ROWS;
    uint t = gl_LocalInvocationID.x;
    float sums[ROWS];
    for (uint i = 0u; i < ROWS; i++) {
        sums[i] = 0.0;
    }
    float squares = 0.0;
    uint units = unitsPerRow();
    for (uint u = t; u < units; u += WORKGROUP) {
        vec4 xs[INPUTS];
        for (uint k = 0u; k < INPUTS; k++) {
            xs[k] = input4(unitInput(u, k));
#ifdef NORM_INPUT
            squares += dot(xs[k], xs[k]);
            xs[k] *= normWeight[unitInput(u, k)];
#endif
        }
        for (uint i = 0u; i < ROWS; i++) {
            // rows past the end repeat the last row: the same loads, discarded below, keep the loop uniform
            sums[i] += dotUnit(min(firstRow + i, rows - 1u), u, xs);
        }
    }
    for (uint i = 0u; i < ROWS; i++) {
        float subgroupSum = subgroupAdd(sums[i]);
        if (subgroupElect()) {
            subgroupSums[i * WORKGROUP + gl_SubgroupID] = subgroupSum;
        }
    }
#ifdef NORM_INPUT
    float squaresSum = subgroupAdd(squares);
    if (subgroupElect()) {
        subgroupSums[ROWS * WORKGROUP + gl_SubgroupID] = squaresSum;
    }
#endif
    barrier();
    if (t < ROWS && firstRow + t < rows) {
        float total = 0.0;
        for (uint s = 0u; s < gl_NumSubgroups; s++) {
            total += subgroupSums[t * WORKGROUP + s];
        }
#ifdef NORM_INPUT
        float sumOfSquares = 0.0;
        for (uint s = 0u; s < gl_NumSubgroups; s++) {
            sumOfSquares += subgroupSums[ROWS * WORKGROUP + s];
        }
        total *= 1.0 / sqrt(sumOfSquares / float(columns) + uintBitsToFloat(xStride));
#endif
        uint r = firstRow + t;
        y[r] = accumulate != 0u ? y[r] + total : total;
    }
}
