#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// out[i][j] = x[i][j] / sqrt(mean_j(x[i][j]^2) + eps) * weight[j], one workgroup per row i.
// Rows are `stride` floats apart in x and out; the window's rows are gl_WorkGroupID.x.
#define WORKGROUP 256
layout(local_size_x = WORKGROUP) in;
layout(std430, set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Weight { float weight[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Output { float y[]; };
layout(push_constant) uniform Shape { uint size; uint stride; float eps; };

shared float subgroupSums[WORKGROUP];

void main() {
    uint base = gl_WorkGroupID.x * stride;
    uint t = gl_LocalInvocationID.x;
    float squares = 0.0;
    for (uint j = t; j < size; j += WORKGROUP) {
        squares += x[base + j] * x[base + j];
    }
    float partial = subgroupAdd(squares);
    if (subgroupElect()) {
        subgroupSums[gl_SubgroupID] = partial;
    }
    barrier();
    float total = 0.0;
    for (uint s = 0u; s < gl_NumSubgroups; s++) {
        total += subgroupSums[s];
    }
    float scale = 1.0 / sqrt(total / float(size) + eps);
    for (uint j = t; j < size; j += WORKGROUP) {
        y[base + j] = x[base + j] * scale * weight[j];
    }
}
