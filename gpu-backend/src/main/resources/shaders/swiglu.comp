#version 450
// gate[i][j] = silu(gate[i][j]) * up[i][j] = g / (1 + exp(-g)) * u, one thread per (j, i).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Gate { float gate[]; };
layout(std430, set = 0, binding = 1) readonly buffer Up { float up[]; };
layout(push_constant) uniform Shape { uint size; uint stride; };

void main() {
    uint j = gl_GlobalInvocationID.x;
    uint i = gl_GlobalInvocationID.y;
    if (j >= size) {
        return;
    }
    uint at = i * stride + j;
    float g = gate[at];
    gate[at] = g / (1.0 + exp(-g)) * up[at];
}
