#!/usr/bin/env bash
# GPU machine check 1: far devices, then GpuMatmulBenchmark (a correctness spot check of each weight type
# against the reference, and the TinyLlama-shaped decode sweep of matrix products for each single-vector
# kernel shape in MATVEC_SHAPES, then the batch-64 sweep). Run from the
# repository root there, with .devrun/ and .gl/ beside it (see DEVELOPERS.md, "GPU machines").
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.memory --format=csv | tee $OUT/nvidia-smi.txt
list_devices
$J $OPTS -cp "$CP" org.farnode.app.cli.FarCli devices --json > $OUT/devices.json 2>/dev/null
SHAPES=${MATVEC_SHAPES:-32x1,32x2,32x4,64x1,64x2,64x4,64x8,128x2,128x4,128x8,256x4,256x8}
timeout 420 $J $OPTS -Xmx12g -cp "$CP" org.farnode.backend.vulkan.GpuMatmulBenchmark auto all "$SHAPES" 2>&1 | tee $OUT/bench.txt
