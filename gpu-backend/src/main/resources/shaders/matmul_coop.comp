#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_cooperative_matrix : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_control_flow_attributes : require
// y[b][r] = sum_c W[r][c] * x[b][c] (or y += ..., with `accumulate`) for every row r and vector b,
// as matmul.comp computes it, but on the device's matrix units (VK_KHR_cooperative_matrix):
// weights and inputs are rounded to f16, their products summed in f32.
//
// Launch: gl_WorkGroupID = (r / TILE_ROWS, b / TILE_VECTORS); a workgroup is ROW_SUBGROUPS x
// VECTOR_SUBGROUPS subgroups of SUBGROUP_SIZE threads and computes a tile of TILE_ROWS rows x
// TILE_VECTORS vectors. Each subgroup owns ROW_FRAGMENTS x VECTOR_FRAGMENTS accumulators of
// COOP_M rows x COOP_N vectors. The columns go by in steps of STEP (whole 32-value blocks): the
// workgroup decodes its TILE_ROWS x STEP weights and converts its TILE_VECTORS x STEP inputs to f16
// in shared memory, then every subgroup multiplies them COOP_K columns at a time (coopMatMulAdd).
// So each weight is read from memory once per tile of vectors, each input once per tile of rows.
// The next step's weights and inputs are loaded into registers while the matrix units work on
// this one, so memory latency overlaps the products.
// At the end each accumulator goes through a small per-subgroup scratch in shared memory to y,
// element by element, so partial tiles (rows or vectors past the end) and `accumulate` need no
// special case, and y may have any stride.
//
// Weights (GpuMatrix's repacked layout, described in matmul.comp), bindings and push constants
// are matmul.comp's, so a descriptor set made for one serves the other.
//
// Rows and vectors past the end of the matrix or batch are read as copies of the last one (their
// results are never written, and in a matrix product row m of A and column n of B reach only
// output (m, n)); columns past the end are zero on both sides.

#ifndef COOP_M
#define COOP_M 16
#endif
#ifndef COOP_N
#define COOP_N 16
#endif
#ifndef COOP_K
#define COOP_K 16
#endif
#ifndef SUBGROUP_SIZE
#define SUBGROUP_SIZE 32
#endif
#ifndef ROW_SUBGROUPS
#define ROW_SUBGROUPS 2
#endif
#ifndef VECTOR_SUBGROUPS
#define VECTOR_SUBGROUPS 2
#endif
#ifndef ROW_FRAGMENTS
#define ROW_FRAGMENTS 2
#endif
#ifndef VECTOR_FRAGMENTS
#define VECTOR_FRAGMENTS 2
#endif
#ifndef STEP
#define STEP 32
#endif

#define SUBGROUPS (ROW_SUBGROUPS * VECTOR_SUBGROUPS)
#define THREADS (SUBGROUPS * SUBGROUP_SIZE)
#define TILE_ROWS (ROW_SUBGROUPS * ROW_FRAGMENTS * COOP_M)
#define TILE_VECTORS (VECTOR_SUBGROUPS * VECTOR_FRAGMENTS * COOP_N)
// Staged rows are f16vec4s, PITCH of them from one row to the next: 2 more than a step keeps rows
// 16-byte aligned for the matrix loads and spreads neighbouring rows over different banks. The
// matrix loads count offsets and strides in these f16vec4s.
#define PITCH (STEP / 4 + 2)

#define Accumulator coopmat<float, gl_ScopeSubgroup, COOP_M, COOP_N, gl_MatrixUseAccumulator>
#define WeightFragment coopmat<float16_t, gl_ScopeSubgroup, COOP_M, COOP_K, gl_MatrixUseA>
#define InputFragment coopmat<float16_t, gl_ScopeSubgroup, COOP_K, COOP_N, gl_MatrixUseB>

layout(local_size_x = THREADS) in;

layout(std430, set = 0, binding = 0) readonly buffer Weights { uvec4 w[]; };
layout(std430, set = 0, binding = 0) readonly buffer Scales { uint scaleWords[]; };
layout(std430, set = 0, binding = 1) readonly buffer Input { vec4 x[]; };
layout(std430, set = 0, binding = 2) buffer Output { float y[]; };
layout(push_constant) uniform Shape {
    uint rows;
    uint columns;
    uint wStride;
    uint xStride;
    uint yStride;
    uint batch;
    uint scaleVectors;
    uint accumulate; // 1: y += W x (a residual connection folded into the product), 0: y = W x
};

shared f16vec4 weightTile[TILE_ROWS * PITCH];  // [row in tile][column in step / 4], row-major
shared f16vec4 inputTile[TILE_VECTORS * PITCH]; // [vector in tile][column in step / 4]: B column-major
shared float scratch[SUBGROUPS * COOP_M * COOP_N]; // one accumulator per subgroup on its way to y

float scaleOf(uint block) {
    uint word = scaleWords[block >> 1];
    return unpackHalf2x16((block & 1u) == 0u ? word : word >> 16).x;
}

vec4 lowNibbles(uint word) {
    return vec4(float(word & 15u), float((word >> 8) & 15u), float((word >> 16) & 15u), float((word >> 24) & 15u)) - 8.0;
}

vec4 highNibbles(uint word) {
    return vec4(float((word >> 4) & 15u), float((word >> 12) & 15u), float((word >> 20) & 15u), float(word >> 28)) - 8.0;
}

// A step of a row is UNITS_PER_STEP units, each what one thread loads at a time (as matmul.comp's
// threads do): fetchUnit(r, k0, u) loads unit u of row r's step at column k0 into registers,
// putUnit(tileRow, u, unit) decodes it into the staged tile.
#if defined(WEIGHTS_F32)
#define UNITS_PER_STEP (STEP / 4)
struct Unit { vec4 values; };
Unit fetchUnit(uint r, uint k0, uint u) {
    uint c = k0 + 4u * u;
    // rows are zero-padded to wStride (a multiple of 4), so a vector that starts inside is whole
    return Unit(c < columns ? uintBitsToFloat(w[r * (wStride / 4u) + c / 4u]) : vec4(0.0));
}
void putUnit(uint tileRow, uint u, Unit unit) {
    weightTile[tileRow * PITCH + u] = f16vec4(unit.values);
}
#elif defined(WEIGHTS_F16)
#define UNITS_PER_STEP (STEP / 8)
struct Unit { uvec4 halves; };
Unit fetchUnit(uint r, uint k0, uint u) {
    uint c = k0 + 8u * u;
    return Unit(c < columns ? w[r * (wStride / 8u) + c / 8u] : uvec4(0u));
}
void putUnit(uint tileRow, uint u, Unit unit) {
    uint at = tileRow * PITCH + 2u * u;
    weightTile[at] = f16vec4(unpackFloat2x16(unit.halves.x), unpackFloat2x16(unit.halves.y));
    weightTile[at + 1u] = f16vec4(unpackFloat2x16(unit.halves.z), unpackFloat2x16(unit.halves.w));
}
#elif defined(WEIGHTS_Q8_0)
// A unit is one word of quants: values c..c+3 of the row, all in block c / 32.
#define UNITS_PER_STEP (STEP / 4)
struct Unit { uint quants; float scale; };
Unit fetchUnit(uint r, uint k0, uint u) {
    uint c = k0 + 4u * u;
    if (c >= columns) {
        return Unit(0u, 0.0);
    }
    uint block = r * (columns / 32u) + c / 32u;
    return Unit(scaleWords[scaleVectors * 4u + block * 8u + (c % 32u) / 4u], scaleOf(block));
}
void putUnit(uint tileRow, uint u, Unit unit) {
    weightTile[tileRow * PITCH + u] = f16vec4(signedBytes(unit.quants) * unit.scale);
}
#elif defined(WEIGHTS_Q4_0)
// A unit is word j of a block: values 4j..4j+3 in its low nibbles, 16+4j..16+4j+3 in its high ones.
#define UNITS_PER_STEP (STEP / 8)
struct Unit { uint quants; float scale; };
Unit fetchUnit(uint r, uint k0, uint u) {
    uint blockStart = k0 + 32u * (u / 4u);
    if (blockStart >= columns) {
        return Unit(0u, 0.0);
    }
    uint block = r * (columns / 32u) + blockStart / 32u;
    return Unit(scaleWords[scaleVectors * 4u + block * 4u + u % 4u], scaleOf(block));
}
void putUnit(uint tileRow, uint u, Unit unit) {
    uint at = tileRow * PITCH + 8u * (u / 4u) + u % 4u;
    weightTile[at] = f16vec4(lowNibbles(unit.quants) * unit.scale);
    weightTile[at + 4u] = f16vec4(highNibbles(unit.quants) * unit.scale);
}
#else
#error "define one of WEIGHTS_F32, WEIGHTS_F16, WEIGHTS_Q8_0, WEIGHTS_Q4_0"
#endif

// What each thread fetches per step: weight units and input vec4s, spread over the threads in turn.
#define WEIGHT_UNITS (TILE_ROWS * UNITS_PER_STEP)
#define WEIGHT_UNITS_PER_THREAD ((WEIGHT_UNITS + THREADS - 1) / THREADS)
#define INPUT_UNITS (TILE_VECTORS * (STEP / 4))
#define INPUT_UNITS_PER_THREAD ((INPUT_UNITS + THREADS - 1) / THREADS)
Unit fetchedWeights[WEIGHT_UNITS_PER_THREAD];
vec4 fetchedInputs[INPUT_UNITS_PER_THREAD];

void fetch(uint firstRow, uint firstVector, uint k0) {
    [[unroll]] for (uint n = 0u; n < WEIGHT_UNITS_PER_THREAD; n++) {
        uint i = gl_LocalInvocationIndex + n * THREADS;
        if (i < WEIGHT_UNITS) {
            uint tileRow = i / UNITS_PER_STEP;
            fetchedWeights[n] = fetchUnit(min(firstRow + tileRow, rows - 1u), k0, i % UNITS_PER_STEP);
        }
    }
    [[unroll]] for (uint n = 0u; n < INPUT_UNITS_PER_THREAD; n++) {
        uint i = gl_LocalInvocationIndex + n * THREADS;
        if (i < INPUT_UNITS) {
            uint b = min(firstVector + i / (STEP / 4), batch - 1u);
            uint c = k0 + 4u * (i % (STEP / 4));
            vec4 v = c < columns ? x[b * (xStride / 4u) + c / 4u] : vec4(0.0);
            // inputs past the columns are zero by contract; made sure of here, as it costs nothing
            fetchedInputs[n] = mix(v, vec4(0.0), greaterThanEqual(uvec4(c) + uvec4(0u, 1u, 2u, 3u), uvec4(columns)));
        }
    }
}

void put() {
    [[unroll]] for (uint n = 0u; n < WEIGHT_UNITS_PER_THREAD; n++) {
        uint i = gl_LocalInvocationIndex + n * THREADS;
        if (i < WEIGHT_UNITS) {
            putUnit(i / UNITS_PER_STEP, i % UNITS_PER_STEP, fetchedWeights[n]);
        }
    }
    [[unroll]] for (uint n = 0u; n < INPUT_UNITS_PER_THREAD; n++) {
        uint i = gl_LocalInvocationIndex + n * THREADS;
        if (i < INPUT_UNITS) {
            inputTile[(i / (STEP / 4)) * PITCH + i % (STEP / 4)] = f16vec4(fetchedInputs[n]);
        }
    }
}

void main() {
    uint firstRow = gl_WorkGroupID.x * TILE_ROWS;
    uint firstVector = gl_WorkGroupID.y * TILE_VECTORS;
    // where this subgroup's accumulators sit in the tile
    uint subgroupRow = (gl_SubgroupID % ROW_SUBGROUPS) * (ROW_FRAGMENTS * COOP_M);
    uint subgroupVector = (gl_SubgroupID / ROW_SUBGROUPS) * (VECTOR_FRAGMENTS * COOP_N);

    Accumulator sums[ROW_FRAGMENTS * VECTOR_FRAGMENTS];
    [[unroll]] for (uint f = 0u; f < ROW_FRAGMENTS * VECTOR_FRAGMENTS; f++) {
        sums[f] = Accumulator(0.0);
    }
    fetch(firstRow, firstVector, 0u);
    for (uint k0 = 0u; k0 < columns; k0 += STEP) {
        put();
        barrier();
        if (k0 + STEP < columns) {
            fetch(firstRow, firstVector, k0 + STEP);
        }
        [[unroll]] for (uint k = 0u; k < STEP / 4; k += COOP_K / 4) {
            WeightFragment weights[ROW_FRAGMENTS];
            [[unroll]] for (uint i = 0u; i < ROW_FRAGMENTS; i++) {
                coopMatLoad(weights[i], weightTile, (subgroupRow + i * COOP_M) * PITCH + k, PITCH,
                            gl_CooperativeMatrixLayoutRowMajor);
            }
            [[unroll]] for (uint j = 0u; j < VECTOR_FRAGMENTS; j++) {
                InputFragment inputs;
                coopMatLoad(inputs, inputTile, (subgroupVector + j * COOP_N) * PITCH + k, PITCH,
                            gl_CooperativeMatrixLayoutColumnMajor);
                [[unroll]] for (uint i = 0u; i < ROW_FRAGMENTS; i++) {
                    sums[i * VECTOR_FRAGMENTS + j] = coopMatMulAdd(weights[i], inputs, sums[i * VECTOR_FRAGMENTS + j]);
                }
            }
        }
        barrier(); // the next step overwrites the tiles
    }

    // Column-major scratch: element (m, n) at n * COOP_M + m, so neighbouring threads write
    // neighbouring rows of y.
    uint base = gl_SubgroupID * (COOP_M * COOP_N);
    [[unroll]] for (uint i = 0u; i < ROW_FRAGMENTS; i++) {
        [[unroll]] for (uint j = 0u; j < VECTOR_FRAGMENTS; j++) {
            coopMatStore(sums[i * VECTOR_FRAGMENTS + j], scratch, base, COOP_M, gl_CooperativeMatrixLayoutColumnMajor);
            subgroupBarrier();
            for (uint e = gl_SubgroupInvocationID; e < COOP_M * COOP_N; e += gl_SubgroupSize) {
                uint r = firstRow + subgroupRow + i * COOP_M + e % COOP_M;
                uint b = firstVector + subgroupVector + j * COOP_N + e / COOP_M;
                if (r < rows && b < batch) {
                    uint at = b * yStride + r;
                    float total = scratch[base + e];
                    y[at] = accumulate != 0u ? y[at] + total : total;
                }
            }
            subgroupBarrier(); // the next accumulator overwrites the scratch
        }
    }
}
