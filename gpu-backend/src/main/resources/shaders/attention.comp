#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// Causal grouped-query attention for row i of the window (position start + i) and query head h:
// scores over cached positions 0..start+i, softmax, then the weighted sum of the values.
// One workgroup per (h, i); keys and values are [position][kvDim], head h reads KV head h / group.
// Row i of the queries starts at i * qStride, of the output at i * yStride.
//
// A decode step has only `heads` workgroups, so each spreads its work over many threads and keeps
// several loads in flight: the scaled query is staged in shared memory once, each thread scores
// whole positions with 16-byte loads of keys, and for the weighted sum of values the threads split
// into groups of `lanes` (one per four dimensions where the head allows, else one per dimension),
// each group summing a share of the positions, the groups' sums then added in shared memory.
#define WORKGROUP 256
#ifndef MAX_POSITIONS
#define MAX_POSITIONS 4096
#endif
#define MAX_HEAD 512
// ROPE_DECODE: the variant for one position (a decode step) that also does rope_kv's work, so it
// costs no dispatch of its own: the queries (at 0 of the row), keys (at kOffset) and values (at
// vOffset) come unrotated from the stacked Q/K/V product; each workgroup rotates its query head and
// its KV head's key for the position into shared memory and uses them there (so no workgroup
// waits for another's cache write), and the first query head of each KV group appends the key
// and value to the caches.
#ifdef ROPE_DECODE
#define CACHE_ACCESS
#else
#define CACHE_ACCESS readonly
#endif
layout(local_size_x = WORKGROUP) in;
layout(std430, set = 0, binding = 0) readonly buffer Queries { float q[]; };
layout(std430, set = 0, binding = 1) CACHE_ACCESS buffer KeyCache { float keys[]; };
layout(std430, set = 0, binding = 1) CACHE_ACCESS buffer KeyCache4 { vec4 keys4[]; };
layout(std430, set = 0, binding = 2) CACHE_ACCESS buffer ValueCache { float values[]; };
layout(std430, set = 0, binding = 2) CACHE_ACCESS buffer ValueCache4 { vec4 values4[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Output { float y[]; };
layout(std430, set = 0, binding = 4) readonly buffer Step { uint start; };
#ifdef ROPE_DECODE
layout(std430, set = 0, binding = 5) readonly buffer Cos { float cosTable[]; };
layout(std430, set = 0, binding = 6) readonly buffer Sin { float sinTable[]; };
layout(push_constant) uniform Shape { uint heads; uint kvHeads; uint headSize; uint qStride; uint yStride; uint pairs; uint kOffset; uint vOffset; uint neox; };
shared float currentKey[MAX_HEAD];
shared float currentValue[MAX_HEAD];
#else
layout(push_constant) uniform Shape { uint heads; uint kvHeads; uint headSize; uint qStride; uint yStride; };
#endif

shared float scores[MAX_POSITIONS];
shared float reduced[WORKGROUP];
shared float query[MAX_HEAD];
shared float partials[WORKGROUP];
shared vec4 partials4[WORKGROUP];

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

float score(uint p, uint kvDim, uint kvBase) {
    float dot = 0.0;
    if (headSize % 4u == 0u) {
        uint base = (p * kvDim + kvBase) / 4u;
        for (uint d = 0u; d < headSize / 4u; d++) {
            vec4 k = keys4[base + d];
            dot += query[4u * d] * k.x + query[4u * d + 1u] * k.y + query[4u * d + 2u] * k.z + query[4u * d + 3u] * k.w;
        }
    } else {
        for (uint d = 0u; d < headSize; d++) {
            dot += query[d] * keys[p * kvDim + kvBase + d];
        }
    }
    return dot;
}

void main() {
    uint h = gl_WorkGroupID.x;
    uint i = gl_WorkGroupID.y;
    uint t = gl_LocalInvocationID.x;
    uint positions = start + i + 1u;
    uint kvDim = kvHeads * headSize;
    uint kvBase = (h / (heads / kvHeads)) * headSize;
    float scale = 1.0 / sqrt(float(headSize));
    uint row = i * qStride;
#ifdef ROPE_DECODE
    uint position = start + i;
    for (uint d = t; d < headSize; d += WORKGROUP) {
        float queryValue = q[row + h * headSize + d];
        float key = q[row + kOffset + kvBase + d];
        if (d < 2u * pairs) {
            uint p = neox != 0u ? d % pairs : d / 2u;
            bool firstOfPair = neox != 0u ? d < pairs : (d & 1u) == 0u;
            float c = cosTable[position * pairs + p];
            float s = sinTable[position * pairs + p];
            uint first = neox != 0u ? p : 2u * p;
            uint second = first + (neox != 0u ? pairs : 1u);
            float qa = q[row + h * headSize + first];
            float qb = q[row + h * headSize + second];
            float ka = q[row + kOffset + kvBase + first];
            float kb = q[row + kOffset + kvBase + second];
            queryValue = firstOfPair ? qa * c - qb * s : qa * s + qb * c;
            key = firstOfPair ? ka * c - kb * s : ka * s + kb * c;
        }
        float value = q[row + vOffset + kvBase + d];
        query[d] = queryValue * scale;
        currentKey[d] = key;
        currentValue[d] = value;
        if (h % (heads / kvHeads) == 0u) {
            keys[position * kvDim + kvBase + d] = key;
            values[position * kvDim + kvBase + d] = value;
        }
    }
    uint cached = positions - 1u; // the last position's key and value are the ones in shared memory
#else
    for (uint d = t; d < headSize; d += WORKGROUP) {
        query[d] = q[row + h * headSize + d] * scale;
    }
    uint cached = positions;
#endif
    barrier();
    float localMax = -3.402823e38;
    for (uint p = t; p < positions; p += WORKGROUP) {
#ifdef ROPE_DECODE
        if (p == cached) {
            float dot = 0.0;
            for (uint d = 0u; d < headSize; d++) {
                dot += query[d] * currentKey[d];
            }
            scores[p] = dot;
        } else {
            scores[p] = score(p, kvDim, kvBase);
        }
#else
        scores[p] = score(p, kvDim, kvBase);
#endif
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
    uint yBase = i * yStride + h * headSize;
    if (headSize % 4u == 0u && headSize <= 4u * WORKGROUP) {
        // lanes threads of 4 dimensions each (one 16-byte load per position); WORKGROUP / lanes
        // groups, each summing every groups-th position, so each thread's chain of dependent
        // loads is positions / groups long
        uint lanes = headSize / 4u;
        uint groups = WORKGROUP / lanes;
        uint lane = t % lanes;
        uint group = t / lanes;
        vec4 acc = vec4(0.0);
        if (group < groups) {
            uint at = (kvBase / 4u) + lane;
            for (uint p = group; p < cached; p += groups) {
                acc += scores[p] * values4[p * (kvDim / 4u) + at];
            }
        }
        partials4[t] = acc;
        barrier();
        if (group == 0u) {
            vec4 sum = vec4(0.0);
            for (uint g = 0u; g < groups; g++) {
                sum += partials4[g * lanes + lane];
            }
#ifdef ROPE_DECODE
            uint d = 4u * lane;
            sum += scores[cached] * vec4(currentValue[d], currentValue[d + 1u], currentValue[d + 2u], currentValue[d + 3u]);
#endif
            sum /= total;
            y[yBase + 4u * lane] = sum.x;
            y[yBase + 4u * lane + 1u] = sum.y;
            y[yBase + 4u * lane + 2u] = sum.z;
            y[yBase + 4u * lane + 3u] = sum.w;
        }
        return;
    }
    uint lanes = min(headSize, uint(WORKGROUP));
    uint groups = WORKGROUP / lanes;
    uint lane = t % lanes;
    uint group = t / lanes;
    for (uint d0 = 0u; d0 < headSize; d0 += lanes) { // every thread takes the same trips: barriers below are uniform
        uint d = d0 + lane;
        float acc = 0.0;
        if (group < groups && d < headSize) {
            for (uint p = group; p < cached; p += groups) {
                acc += scores[p] * values[p * kvDim + kvBase + d];
            }
        }
        partials[t] = acc;
        barrier();
        if (group == 0u && d < headSize) {
            float sum = 0.0;
            for (uint g = 0u; g < groups; g++) {
                sum += partials[g * lanes + lane];
            }
#ifdef ROPE_DECODE
            sum += scores[cached] * currentValue[d];
#endif
            y[yBase + d] = sum / total;
        }
        barrier();
    }
}
