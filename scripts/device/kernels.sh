#!/usr/bin/env bash
# GPU machine check 1: far devices, then GpuMatmulBenchmark (a correctness spot check of each weight type
# against the reference, and the TinyLlama-shaped decode sweep of matrix products for each single-vector
# kernel shape in MATVEC_SHAPES, then the batch-64 sweep). Run from the
# repository root there, with .devrun/ and .gl/ beside it (see DEVELOPERS.md, "GPU machines").
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.memory --format=csv | tee $OUT/nvidia-smi.txt
mkdir -p /tmp/j && tar xzf .devrun/jre.tar.gz -C /tmp/j
J=/tmp/j/jre/bin/java
OPTS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
CP=".devrun/lib/*"
$J $OPTS -cp "$CP" org.farnode.app.cli.FarCli devices > $OUT/devices.txt 2>&1
if grep -q "cannot be used" $OUT/devices.txt; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  echo "retrying with VK_DRIVER_FILES=$VK_DRIVER_FILES" >> $OUT/devices.txt
  $J $OPTS -cp "$CP" org.farnode.app.cli.FarCli devices >> $OUT/devices.txt 2>&1
fi
cat $OUT/devices.txt
$J $OPTS -cp "$CP" org.farnode.app.cli.FarCli devices --json > $OUT/devices.json 2>/dev/null
SHAPES=${MATVEC_SHAPES:-32x1,32x2,32x4,64x1,64x2,64x4,64x8,128x2,128x4,128x8,256x4,256x8}
timeout 420 $J $OPTS -Xmx12g -cp "$CP" org.farnode.backend.vulkan.GpuMatmulBenchmark auto all "$SHAPES" 2>&1 | tee $OUT/bench.txt
