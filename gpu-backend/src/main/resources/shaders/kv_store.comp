#version 450
// Appends the window's keys and values to the session's cache: cache[(start + i)][j] = src[i][j].
// One thread per (j, i).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Keys { float keys[]; };
layout(std430, set = 0, binding = 1) readonly buffer Values { float values[]; };
layout(std430, set = 0, binding = 2) writeonly buffer KeyCache { float keyCache[]; };
layout(std430, set = 0, binding = 3) writeonly buffer ValueCache { float valueCache[]; };
layout(std430, set = 0, binding = 4) readonly buffer Step { uint start; };
layout(push_constant) uniform Shape { uint kvDim; uint stride; };

void main() {
    uint j = gl_GlobalInvocationID.x;
    uint i = gl_GlobalInvocationID.y;
    if (j >= kvDim) {
        return;
    }
    keyCache[(start + i) * kvDim + j] = keys[i * stride + j];
    valueCache[(start + i) * kvDim + j] = values[i * stride + j];
}
