# shellcheck shell=bash
# Sourced by .ci/run and bin/local: puts the JDK the functions deploy to (Lambda's java25 runtime, so JDK 25)
# first on PATH and in JAVA_HOME, so that the build, the tests and local mode all run on it.
# Looks in order at: $JAVA_HOME, the `java` on PATH, /usr/lib/jvm/*25*, /opt/java/*25*; when none is 25,
# installs Debian's openjdk-25-jdk-headless if this machine's apt offers it (Debian 13 "trixie" and later);
# otherwise fails with what to install. Debian 12's archive has no JDK 25 (nor 21), and Debian 13's packages
# need glibc 2.38, so they cannot be unpacked onto Debian 12 either.
GLFS_JAVA_MAJOR=25

glfs_java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

glfs_use_jdk() { # $1 = a JDK home; succeeds when it holds a java of the wanted major version
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  [ "$(glfs_java_major "$1/bin/java")" = "$GLFS_JAVA_MAJOR" ] || return 1
  export JAVA_HOME="$1"
  export PATH="$1/bin:$PATH"
  # Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every start (JEP 471/498).
  case " ${MAVEN_OPTS:-} " in
    *" --sun-misc-unsafe-memory-access="*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
  esac
}

glfs_find_jdk() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && glfs_use_jdk "$JAVA_HOME"; then return 0; fi
  if command -v javac >/dev/null 2>&1; then
    candidate="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    if glfs_use_jdk "$candidate"; then return 0; fi
  fi
  for candidate in /usr/lib/jvm/*"$GLFS_JAVA_MAJOR"* /opt/java/*"$GLFS_JAVA_MAJOR"*; do
    if [ -d "$candidate" ] && glfs_use_jdk "$candidate"; then return 0; fi
  done
  if command -v apt-get >/dev/null 2>&1; then
    local sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    local package="openjdk-$GLFS_JAVA_MAJOR-jdk-headless"
    if apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]' \
       || { "${sudo_cmd[@]}" apt-get update -qq >/dev/null 2>&1 \
            && apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; }; then
      echo "== installing $package (Debian package)" >&2
      "${sudo_cmd[@]}" apt-get install -y -qq "$package" >/dev/null || true
      for candidate in /usr/lib/jvm/java-"$GLFS_JAVA_MAJOR"-openjdk-*; do
        if [ -d "$candidate" ] && glfs_use_jdk "$candidate"; then return 0; fi
      done
    fi
  fi
  echo "::error:: a JDK $GLFS_JAVA_MAJOR is required (the functions deploy to Lambda's java$GLFS_JAVA_MAJOR runtime, and the tests run on the same Java)." >&2
  echo "  None found in JAVA_HOME, on PATH, in /usr/lib/jvm or /opt/java, and apt offers no openjdk-$GLFS_JAVA_MAJOR-jdk-headless." >&2
  echo "  Install one (Amazon Corretto $GLFS_JAVA_MAJOR, Eclipse Temurin $GLFS_JAVA_MAJOR, or Debian 13's openjdk-$GLFS_JAVA_MAJOR-jdk-headless) and set JAVA_HOME to it." >&2
  return 1
}
