#!/usr/bin/env bash
# Warm cost per invocation (JMH, in-process, network excluded). Prints JMH's table with p50/p90/p99 per benchmark.
# Usage: bench/jmh.sh [JMH options and benchmark regexps]   e.g. bench/jmh.sh WebhookBench
#        bench/jmh.sh -l   lists the benchmarks.   BENCH_NO_BUILD=1 reuses the last build.
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
exec java -cp "$OUT/classes:$(cat "$OUT/classpath.txt")" org.openjdk.jmh.Main -rf json -rff "$OUT/jmh.json" "$@"
