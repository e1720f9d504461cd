#version 450
// After the stacked Q/K/V product: rotates the queries in place, and appends the rotated keys and
// the values to the session's caches. Row i of the window (position start + i) holds, `stride`
// floats apart, the queries at 0, the keys at kOffset and the values at vOffset; the caches are
// [position][kvDim].
// Rotation: each adjacent pair (2p, 2p+1), p < pairs, of every head by the angle of the position:
// (a, b) -> (a cos - b sin, a sin + b cos), cos/sin from the table the CPU uses; dimensions past
// 2 * pairs are not rotated.
// One thread per item of row gl_GlobalInvocationID.y: first one per query pair (heads * pairs,
// rotated in place), then one per key value (kvDim, each reads its pair and writes its own
// rotated value to the cache, so no thread overwrites what another reads), then one per value.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Qkv { float qkv[]; };
layout(std430, set = 0, binding = 1) readonly buffer Cos { float cosTable[]; };
layout(std430, set = 0, binding = 2) readonly buffer Sin { float sinTable[]; };
layout(std430, set = 0, binding = 3) writeonly buffer KeyCache { float keyCache[]; };
layout(std430, set = 0, binding = 4) writeonly buffer ValueCache { float valueCache[]; };
layout(std430, set = 0, binding = 5) readonly buffer Step { uint start; };
layout(push_constant) uniform Shape { uint pairs; uint heads; uint kvHeads; uint headSize; uint stride; uint kOffset; uint vOffset; };

void main() {
    uint item = gl_GlobalInvocationID.x;
    uint i = gl_GlobalInvocationID.y;
    uint row = i * stride;
    uint position = start + i;
    uint kvDim = kvHeads * headSize;
    uint queryItems = heads * pairs;
    if (item < queryItems) {
        uint h = item / pairs;
        uint p = item % pairs;
        uint at = row + h * headSize + 2u * p;
        float c = cosTable[position * pairs + p];
        float s = sinTable[position * pairs + p];
        float a = qkv[at];
        float b = qkv[at + 1u];
        qkv[at] = a * c - b * s;
        qkv[at + 1u] = a * s + b * c;
    } else if (item < queryItems + kvDim) {
        uint j = item - queryItems;
        uint d = j % headSize;
        float key = qkv[row + kOffset + j];
        if (d < 2u * pairs) {
            uint p = d / 2u;
            float c = cosTable[position * pairs + p];
            float s = sinTable[position * pairs + p];
            uint pairStart = row + kOffset + j - (d & 1u);
            float a = qkv[pairStart];
            float b = qkv[pairStart + 1u];
            key = (d & 1u) == 0u ? a * c - b * s : a * s + b * c;
        }
        keyCache[position * kvDim + j] = key;
    } else if (item < queryItems + 2u * kvDim) {
        uint j = item - queryItems - kvDim;
        valueCache[position * kvDim + j] = qkv[row + vOffset + j];
    }
}
