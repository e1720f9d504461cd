#version 450
// Reads `words` 32-bit words of `data` once (16 bytes per load, consecutive threads on
// consecutive addresses) and writes one sum per workgroup, so the reads cannot be dropped.
// Dispatch enough workgroups to fill the device; each thread strides by the whole grid.
#define WORKGROUP 256
layout(local_size_x = WORKGROUP) in;
layout(std430, set = 0, binding = 0) readonly buffer Data { uvec4 data[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Sums { uint sums[]; };
layout(push_constant) uniform Size { uint vectors; };

shared uint partial[WORKGROUP];

void main() {
    uint t = gl_LocalInvocationID.x;
    uint stride = gl_NumWorkGroups.x * WORKGROUP;
    uvec4 sum = uvec4(0u);
    for (uint i = gl_GlobalInvocationID.x; i < vectors; i += stride) {
        sum += data[i];
    }
    partial[t] = sum.x + sum.y + sum.z + sum.w;
    barrier();
    for (uint width = WORKGROUP / 2u; width > 0u; width >>= 1) {
        if (t < width) {
            partial[t] += partial[t + width];
        }
        barrier();
    }
    if (t == 0u) {
        sums[gl_WorkGroupID.x] = partial[0];
    }
}
