#!/usr/bin/env bash
# Draws the app icon and writes every icon file the installers take into assets/icons (or the folder given):
# far-node-16.png ... far-node-1024.png, far-node.png, far-node.ico, far-node.icns. Builds ui and installer first.
# The installer module's tests fail when the committed files differ from what this writes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/find-jdk.sh"
cd "$root"
mvn -q -B -DskipTests -Dfar.installer.skip=true package -pl installer -am >&2
"$JAVA_HOME/bin/java" -Djava.awt.headless=true -cp installer/target/installer.jar:ui/target/ui.jar \
  org.farnode.installer.icons.WriteIcons "${1:-assets/icons}"
