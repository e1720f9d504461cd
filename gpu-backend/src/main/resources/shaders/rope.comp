#version 450
// Rotates each adjacent pair (2p, 2p+1) of every head of row i by the angle of position
// start + i: (a, b) -> (a cos - b sin, a sin + b cos), with cos/sin from the same table the CPU uses.
// One thread per (pair, head, row): gl_GlobalInvocationID = (p, h, i).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Vectors { float v[]; };
layout(std430, set = 0, binding = 1) readonly buffer Cos { float cosTable[]; };
layout(std430, set = 0, binding = 2) readonly buffer Sin { float sinTable[]; };
layout(std430, set = 0, binding = 3) readonly buffer Step { uint start; };
layout(push_constant) uniform Shape { uint pairs; uint heads; uint headSize; uint stride; };

void main() {
    uint p = gl_GlobalInvocationID.x;
    uint h = gl_GlobalInvocationID.y;
    uint i = gl_GlobalInvocationID.z;
    if (p >= pairs || h >= heads) {
        return;
    }
    uint at = i * stride + h * headSize + 2u * p;
    uint angle = (start + i) * pairs + p;
    float c = cosTable[angle];
    float s = sinTable[angle];
    float a = v[at];
    float b = v[at + 1u];
    v[at] = a * c - b * s;
    v[at + 1u] = a * s + b * c;
}
