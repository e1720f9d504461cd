#!/usr/bin/env bash
# GPU machine check 3: the cooperative-matrix matrix product (GpuCoopMatmul). Prints the device's
# VK_KHR_cooperative_matrix offers and the shape chosen (or NO COOPERATIVE MATRICES), checks the
# cases of GpuCoopMatmulTest against the reference (WRONG / FAILED lines on a bad result), then times
# the TinyLlama-shaped prefill sweep (22 layers x q, k, v, o, gate, up, down; batches 16 to 256;
# Q8_0 and Q4_0) through GpuMatmul's portable batched kernel and GpuCoopMatmul in several tiles, in
# ms and TFLOP/s. Run from the repository root there, with .devrun/ and .gl/ beside it (see
# DEVELOPERS.md, "GPU machines"); output under $OUT. COOP_ARGS=default-only times the default tile
# alone; COOP_TIMEOUT (seconds, default 480) bounds the Java run.
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv | tee $OUT/nvidia-smi.txt
list_devices
timeout ${COOP_TIMEOUT:-480} $J $OPTS -Xmx12g -cp "$CP" org.farnode.backend.vulkan.GpuCoopMatmulBenchmark auto ${COOP_ARGS:-} 2>&1 | tee $OUT/coop.txt
echo "exit status ${PIPESTATUS[0]}" | tee -a $OUT/coop.txt
grep -E "WRONG|FAILED|NO COOPERATIVE" $OUT/coop.txt && echo "coop.sh: SEE THE LINES ABOVE" || true
