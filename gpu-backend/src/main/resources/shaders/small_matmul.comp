#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// Products of a small dense f32 matrix A (rows x columns, row-major: A[i][j] = a[i*columns + j])
// with a batch of vectors, the two halves of a projection codec (SmallMatmul is the reference):
//
//   PROJECT     : y[b][i] = sum_j A[i][j] * (x[b][j] - offset[j])   for i < rows
//                 One workgroup of WORKGROUP threads per row i and TILE consecutive vectors:
//                 gl_WorkGroupID = (i, b / TILE). The threads take the columns in turn (reads of
//                 A and x are contiguous across threads), each A[i][j] serves the whole tile, and
//                 the partial sums meet through subgroupAdd and one barrier, as in matmul.comp.
//   RECONSTRUCT : y[b][j] = offset[j] + sum_i A[i][j] * x[b][i]      for j < columns
//                 One thread per column j and TILE consecutive vectors: gl_WorkGroupID =
//                 (j / WORKGROUP, b / TILE). Neighbouring threads read neighbouring A[i][j]; every
//                 thread of a workgroup reads the same x[b][i], so those loads are broadcasts.
//
// x holds batch vectors xStride floats apart, y batch vectors yStride floats apart; only the
// outputs above are written. With hasOffset == 0 the offset binding is not read (bind anything).

#ifndef WORKGROUP
#define WORKGROUP 64
#endif
#ifndef TILE
#define TILE 8
#endif
layout(local_size_x = WORKGROUP) in;

layout(std430, set = 0, binding = 0) readonly buffer Matrix { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Output { float y[]; };
layout(std430, set = 0, binding = 3) readonly buffer Offset { float offset[]; };
layout(push_constant) uniform Shape {
    uint rows;
    uint columns;
    uint batch;
    uint xStride;
    uint yStride;
    uint hasOffset;
};

#if defined(PROJECT)

shared float subgroupSums[TILE * WORKGROUP];

void main() {
    uint i = gl_WorkGroupID.x;
    uint firstVector = gl_WorkGroupID.y * TILE;
    uint t = gl_LocalInvocationID.x;
    float sums[TILE];
    for (uint b = 0u; b < TILE; b++) {
        sums[b] = 0.0;
    }
    for (uint j = t; j < columns; j += WORKGROUP) {
        float weight = a[i * columns + j];
        float shift = hasOffset != 0u ? offset[j] : 0.0;
        for (uint b = 0u; b < TILE; b++) {
            if (firstVector + b < batch) {
                sums[b] += weight * (x[(firstVector + b) * xStride + j] - shift);
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
        y[(firstVector + t) * yStride + i] = total;
    }
}

#elif defined(RECONSTRUCT)

void main() {
    uint j = gl_GlobalInvocationID.x;
    uint firstVector = gl_WorkGroupID.y * TILE;
    if (j >= columns) {
        return;
    }
    float sums[TILE];
    for (uint b = 0u; b < TILE; b++) {
        sums[b] = 0.0;
    }
    for (uint i = 0u; i < rows; i++) {
        float weight = a[i * columns + j];
        for (uint b = 0u; b < TILE; b++) {
            if (firstVector + b < batch) {
                sums[b] += weight * x[(firstVector + b) * xStride + i];
            }
        }
    }
    float shift = hasOffset != 0u ? offset[j] : 0.0;
    for (uint b = 0u; b < TILE && firstVector + b < batch; b++) {
        y[(firstVector + b) * yStride + j] = shift + sums[b];
    }
}

#else
#error "define PROJECT or RECONSTRUCT"
#endif
