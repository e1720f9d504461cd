#!/usr/bin/env bash
# Packs what a GPU machine without Java needs to run FAR Node's Vulkan checks: a trimmed Java 25
# runtime, the jars, the stories260K model and its reference text, and the scripts in
# scripts/device/. Writes .devrun/ (keep it out of git: echo /.devrun/ >> .git/info/exclude).
# The Vulkan loader's .deb files come separately (see DEVELOPERS.md, "GPU machines").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/find-jdk.sh"
cd "$root"
mvn -q -B -DskipTests package -pl app -am
mvn -q -B -pl gpu-backend test-compile
rm -rf .devrun && mkdir -p .devrun/lib
tmp=$(mktemp -d)
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.xml,jdk.incubator.vector,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --output "$tmp/jre"
tar czf .devrun/jre.tar.gz -C "$tmp" jre
rm -rf "$tmp"
cp app/target/app.jar .devrun/lib/
for jar in gpu-backend-0.1.0-SNAPSHOT lwjgl-3.4.1 lwjgl-3.4.1-natives-linux lwjgl-vulkan-3.4.1 lwjgl-shaderc-3.4.1 \
           lwjgl-shaderc-3.4.1-natives-linux picocli-4.7.7 jackson-annotations-2.20 jackson-core-2.20.1 \
           jackson-databind-2.20.1 slf4j-api-2.0.17 logback-classic-1.5.18 logback-core-1.5.18; do
  cp "app/target/lib/$jar.jar" .devrun/lib/
done
(cd gpu-backend/target/test-classes && "$JAVA_HOME/bin/jar" cf "$root/.devrun/lib/gpu-tests.jar" .)
cp ../shared/models/stories260K/stories260K.gguf .devrun/
./far generate --model ../shared/models/stories260K/stories260K.gguf --prompt "" --max-tokens 256 --temperature 0 \
  --backend cpu 2>/dev/null > .devrun/expected256.txt
cp scripts/device/*.sh .devrun/
du -sh .devrun
