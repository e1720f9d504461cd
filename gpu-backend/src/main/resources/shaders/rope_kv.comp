#version 450
// After the stacked Q/K/V product: rotates the queries in place, and appends the rotated keys and
// the values to the session's caches. Row i of the window (position start + i) holds, `stride`
// floats apart, the queries at 0, the keys at kOffset and the values at vOffset; the caches are
// [position][kvDim].
// Rotation: each pair p < pairs of every head by the angle of the position:
// (a, b) -> (a cos - b sin, a sin + b cos), cos/sin from the table the CPU uses; the pair is the
// adjacent values (2p, 2p+1), or with neox != 0 the halves (p, p + pairs); dimensions past
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
layout(push_constant) uniform Shape { uint pairs; uint heads; uint kvHeads; uint headSize; uint stride; uint kOffset; uint vOffset; uint neox; };

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
        uint at = row + h * headSize + (neox != 0u ? p : 2u * p);
        uint partner = at + (neox != 0u ? pairs : 1u);
        float c = cosTable[position * pairs + p];
        float s = sinTable[position * pairs + p];
        float a = qkv[at];
        float b = qkv[partner];
        qkv[at] = a * c - b * s;
        qkv[partner] = a * s + b * c;
    } else if (item < queryItems + kvDim) {
        uint j = item - queryItems;
        uint d = j % headSize;
        float key = qkv[row + kOffset + j];
        if (d < 2u * pairs) {
            uint p = neox != 0u ? d % pairs : d / 2u;
            bool firstOfPair = neox != 0u ? d < pairs : (d & 1u) == 0u;
            float c = cosTable[position * pairs + p];
            float s = sinTable[position * pairs + p];
            uint at = row + kOffset + j - d + (neox != 0u ? p : 2u * p);
            float a = qkv[at];
            float b = qkv[at + (neox != 0u ? pairs : 1u)];
            key = firstOfPair ? a * c - b * s : a * s + b * c;
        }
        keyCache[position * kvDim + j] = key;
    } else if (item < queryItems + 2u * kvDim) {
        uint j = item - queryItems - kvDim;
        valueCache[position * kvDim + j] = qkv[row + vOffset + j];
    }
}
