#!/usr/bin/env bash
# Takes docs/screenshots/*.png of the real desktop app under Xvfb (ImageMagick's import grabs the screen):
# first run, dashboard, Try it, settings, paused. Needs xvfb and imagemagick (apt-get install xvfb imagemagick).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/find-jdk.sh"
model="${1:-$root/../shared/models/stories260K/stories260K.gguf}"
[ -f "$model" ] || { echo "screenshots: model $model not found" >&2; exit 1; }
command -v import >/dev/null && import -version 2>/dev/null | grep -q ImageMagick \
  || { echo "screenshots: ImageMagick's import is needed (apt-get install imagemagick)" >&2; exit 1; }
cd "$root"
mvn -q -B -o -DskipTests install -pl ui -am >&2
mvn -q -B -o -pl ui dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/tour-classpath.txt >&2
cp="$(cat ui/target/tour-classpath.txt)"
mkdir -p docs/screenshots
xvfb-run -a -s "-screen 0 1280x900x24" "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -Dprism.order=sw -Dfar.privacy.audits="$root/assets/privacy" \
  -cp "ui/target/test-classes:ui/target/classes:$cp" org.farnode.ui.tour.ScreenshotTour "$model" docs/screenshots
