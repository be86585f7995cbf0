#!/usr/bin/env bash
# Burst (1,000 pending jobs, three environments, Fargate launch limit simulated) or webhook->RunTask latency.
# Usage: bench/burst.sh [burst|latency] [java -D options]   e.g. bench/burst.sh burst -Dburst.concurrency=10
# Prints one line of figures on stderr. BENCH_NO_BUILD=1 reuses the last build.
set -euo pipefail
cd "$(dirname "$0")/.."
# The JDK the functions deploy to, for the build and the runs (bin/lib/jdk.sh).
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
glfs_find_jdk
OUT=bench/target
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  mvn -B -q -o package dependency:build-classpath -DskipTests -pl bench -am \
    -Dmdep.outputFile="$PWD/$OUT/classpath.txt" >/dev/null
fi
MODE=${1:-burst}; shift || true
exec java -XX:+UseSerialGC -Dlog4j2.configurationFile=log4j2-bench.xml -Dproject.root="$PWD" "$@" \
  -cp "$OUT/classes:$(cat "$OUT/classpath.txt")" dev.fargatescaler.bench.Burst "$MODE"
