#version 450
// acc[i][j] += x[i][j], one thread per (j, i); both have rows `stride` floats apart.
// With BROADCAST_ROW defined, x is one row added to every row of acc: acc[i][j] += x[j] (a bias).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Accumulator { float acc[]; };
layout(std430, set = 0, binding = 1) readonly buffer Addend { float x[]; };
layout(push_constant) uniform Shape { uint size; uint stride; };

void main() {
    uint j = gl_GlobalInvocationID.x;
    uint i = gl_GlobalInvocationID.y;
    if (j < size) {
#ifdef BROADCAST_ROW
        acc[i * stride + j] += x[j];
#else
        acc[i * stride + j] += x[i * stride + j];
#endif
    }
}
