#!/usr/bin/env bash
# Sourced by the GPU machine checks (run from the repository root there, .devrun/ and .gl/ beside it):
# installs the Vulkan loader from .gl/, unpacks the trimmed Java runtime from .devrun/, and sets
# J (java), OPTS (its options) and CP (the class path).
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
mkdir -p /tmp/j && tar xzf .devrun/jre.tar.gz -C /tmp/j
J=/tmp/j/jre/bin/java
OPTS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
CP=".devrun/lib/*"

# far devices into $OUT/devices.txt and on screen; where the loader finds no usable driver, once more
# with the NVIDIA driver's ICD file named (some machines install it outside the loader's search path).
list_devices() {
  $J $OPTS -cp "$CP" org.farnode.app.cli.FarCli devices > $OUT/devices.txt 2>&1
  if grep -q "cannot be used" $OUT/devices.txt; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
    echo "retrying with VK_DRIVER_FILES=$VK_DRIVER_FILES" >> $OUT/devices.txt
    $J $OPTS -cp "$CP" org.farnode.app.cli.FarCli devices >> $OUT/devices.txt 2>&1
  fi
  cat $OUT/devices.txt
}
