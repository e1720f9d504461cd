# Sourced by ./far and ./run-tests: sets JAVA_HOME to a JDK 25 or later, or exits with advice.
# Order: $JAVA_HOME, Temurin 25 at its Debian path, any JDK under /usr/lib/jvm, java on the PATH.

far_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

far_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(far_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(far_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  fi
  return 1
}

if ! JAVA_HOME=$(far_find_jdk); then
  cat >&2 <<'MSG'
FAR Node needs a JDK 25 (it uses the Vector API and the FFM API of Java 25), and none was found.
Looked at $JAVA_HOME, /usr/lib/jvm/* and the java on the PATH.
Install Eclipse Temurin 25 (https://adoptium.net, or the Adoptium apt repository: apt-get install temurin-25-jdk),
then run this again or set JAVA_HOME to its folder.
MSG
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's bundled libraries use sun.misc.Unsafe; JDK 25 warns about that on every run.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

if ! command -v mvn >/dev/null 2>&1; then
  echo "FAR Node builds with Apache Maven 3.8 or later, which is not installed (Debian: apt-get install maven)." >&2
  exit 1
fi
