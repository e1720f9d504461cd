#!/usr/bin/env bash
# Writes assets/svs/calibration.txt: 40 stories that stories260K itself samples (temperature 1,
# seeds 1..40, 300 tokens each, from an empty prompt), separated by blank lines. SCM codebooks
# for docs/svs.md are calibrated on this text and evaluated on assets/svs/heldout.txt, which
# was written separately, by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-$root/../shared/models/stories260K/stories260K.gguf}"
out="$root/assets/svs/calibration.txt"
: > "$out"
for seed in $(seq 1 40); do
  "$root/far" generate --model "$model" --prompt "" --max-tokens 300 --temperature 1 --seed "$seed" 2>/dev/null >> "$out"
  printf '\n\n' >> "$out"
done
wc -w "$out"
