#!/usr/bin/env bash
# GPU machine check 2: far generate --backend vulkan against the stories260K reference text, then far bench
# on synthetic TinyLlama-shaped Q8_0 and Q4_0 models with the Vulkan backend, and Q8_0 on the CPU for comparison.
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
OPTS="$OPTS -XX:+UseParallelGC -Xss4m"
far() { $J $OPTS -cp ".devrun/lib/*" org.farnode.app.cli.FarCli "$@"; }
nproc
far generate --model .devrun/stories260K.gguf --prompt "" --max-tokens 256 --temperature 0 --backend vulkan --stats > $OUT/gen-vulkan.txt 2> $OUT/gen-vulkan.err
cmp $OUT/gen-vulkan.txt .devrun/expected256.txt && echo "GPU greedy text: identical to the reference" || echo "GPU greedy text DIFFERS"
grep "tokens/s" $OUT/gen-vulkan.err
far synth --shape tinyllama --type Q8_0 --out /tmp/q8.gguf 2>&1 | grep wrote
far synth --shape tinyllama --type Q4_0 --out /tmp/q4.gguf 2>&1 | grep wrote
# BENCH_SHAPES: the single-vector kernel shapes (THREADSxROWS) to bench with; the default shape when unset
for shape in ${BENCH_SHAPES:-default}; do
  [ "$shape" = default ] && P="" || P="-Dfar.vulkan.matvec=$shape"
  for m in q8 q4; do
    echo "== $m vulkan, vector kernel $shape"
    $J $OPTS $P -cp ".devrun/lib/*" org.farnode.app.cli.FarCli bench --model /tmp/$m.gguf --backend vulkan --runs 3 --decode-tokens 64 2>&1 \
      | grep -v WARNING | tee -a $OUT/bench.txt
  done
done
if [ -z "$SKIP_CPU" ]; then
  echo "== q8 cpu 16 threads"; far bench --model /tmp/q8.gguf --backend cpu --runs 3 --decode-tokens 64 2>&1 | grep -v WARNING | tee -a $OUT/bench.txt
fi
