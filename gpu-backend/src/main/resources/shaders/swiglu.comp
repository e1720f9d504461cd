#version 450
// g[i][j] = silu(g) * u = g / (1 + exp(-g)) * u, in place, for the stacked gate/up product: row i
// holds g at 0 and u at upOffset, rows `stride` floats apart. One thread per (j, i).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer GateUp { float gu[]; };
layout(push_constant) uniform Shape { uint size; uint stride; uint upOffset; };

void main() {
    uint j = gl_GlobalInvocationID.x;
    uint i = gl_GlobalInvocationID.y;
    if (j >= size) {
        return;
    }
    uint at = i * stride + j;
    float g = gu[at];
    gu[at] = g / (1.0 + exp(-g)) * gu[at + upOffset];
}
