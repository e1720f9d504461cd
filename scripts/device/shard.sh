#!/usr/bin/env bash
# GPU machine check 3: GpuShardBenchmark, a TinyLlama-shaped shard of random Q8_0 and Q4_0 weights on its
# own: decode step times, and GPU timestamps per op for one decode step and for a 64-position prompt.
# SHARD_SHAPES: single-vector kernel shapes (THREADSxROWS) to run it with; the default shape when unset.
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
for shape in ${SHARD_SHAPES:-default}; do
  [ "$shape" = default ] && A="" || A="$shape"
  timeout 300 $J $OPTS -Xmx16g -cp ".devrun/lib/*" org.farnode.backend.vulkan.GpuShardBenchmark auto $A 2>&1 | tee -a $OUT/shard.txt
done
