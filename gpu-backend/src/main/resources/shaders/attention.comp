#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// Causal grouped-query attention for row i of the window (position start + i) and query head h:
// scores over cached positions 0..start+i, softmax, then the weighted sum of the values.
// One workgroup per (h, i); keys and values are [position][kvDim], head h reads KV head h / group.
// Row i of the queries starts at i * qStride, of the output at i * yStride.
#define WORKGROUP 64
#ifndef MAX_POSITIONS
#define MAX_POSITIONS 4096
#endif
layout(local_size_x = WORKGROUP) in;
layout(std430, set = 0, binding = 0) readonly buffer Queries { float q[]; };
layout(std430, set = 0, binding = 1) readonly buffer KeyCache { float keys[]; };
layout(std430, set = 0, binding = 2) readonly buffer ValueCache { float values[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Output { float y[]; };
layout(std430, set = 0, binding = 4) readonly buffer Step { uint start; };
layout(push_constant) uniform Shape { uint heads; uint kvHeads; uint headSize; uint qStride; uint yStride; };

shared float scores[MAX_POSITIONS];
shared float reduced[WORKGROUP];

float workgroupMax(float value) {
    float m = subgroupMax(value);
    if (subgroupElect()) {
        reduced[gl_SubgroupID] = m;
    }
    barrier();
    float result = reduced[0];
    for (uint s = 1u; s < gl_NumSubgroups; s++) {
        result = max(result, reduced[s]);
    }
    barrier();
    return result;
}

float workgroupSum(float value) {
    float m = subgroupAdd(value);
    if (subgroupElect()) {
        reduced[gl_SubgroupID] = m;
    }
    barrier();
    float result = 0.0;
    for (uint s = 0u; s < gl_NumSubgroups; s++) {
        result += reduced[s];
    }
    barrier();
    return result;
}

void main() {
    uint h = gl_WorkGroupID.x;
    uint i = gl_WorkGroupID.y;
    uint t = gl_LocalInvocationID.x;
    uint positions = start + i + 1u;
    uint kvDim = kvHeads * headSize;
    uint kvBase = (h / (heads / kvHeads)) * headSize;
    uint qBase = i * qStride + h * headSize;
    uint yBase = i * yStride + h * headSize;
    float scale = 1.0 / sqrt(float(headSize));
    float localMax = -3.402823e38;
    for (uint p = t; p < positions; p += WORKGROUP) {
        float dot = 0.0;
        for (uint d = 0u; d < headSize; d++) {
            dot += q[qBase + d] * keys[p * kvDim + kvBase + d];
        }
        scores[p] = dot * scale;
        localMax = max(localMax, scores[p]);
    }
    float maximum = workgroupMax(localMax);
    float localSum = 0.0;
    for (uint p = t; p < positions; p += WORKGROUP) {
        scores[p] = exp(scores[p] - maximum);
        localSum += scores[p];
    }
    float total = workgroupSum(localSum);
    barrier();
    for (uint d = t; d < headSize; d += WORKGROUP) {
        float acc = 0.0;
        for (uint p = 0u; p < positions; p++) {
            acc += scores[p] * values[p * kvDim + kvBase + d];
        }
        y[yBase + d] = acc / total;
    }
}
