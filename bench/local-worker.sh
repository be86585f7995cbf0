#!/usr/bin/env bash
# Issue 15, local mode: how long a worker takes to be ready for its first invocation (JVM start + the handler's
# init phase), per function, on the plain JVM and with the function's JDK 25 AOT cache, interleaved run by run
# (dev.fargatescaler.local.WorkerStartBench: the workers as bin/local builds them, the shaded jars, the templates
# deployed on a moto_server started here; the cache trained as bin/local start trains it, and that training timed).
# Run it on an idle machine: the figure is the machine's as much as ours.
# Usage: bench/local-worker.sh [runs] [LogicalId...]   (default 10 runs, every function; BENCH_NO_BUILD=1 reuses
#        the build). Output: a markdown table on stdout, with date, machine and load average; logs in
#        local/target/local-worker-bench/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-10}
shift || true
OUT=$ROOT/local/target/local-worker-bench
# shellcheck source=bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
glfs_find_jdk
mkdir -p "$OUT"
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  echo "[bench] building the functions and local mode (mvn package -pl local -am); log: $OUT/build.log" >&2
  (cd "$ROOT" && mvn -B -ntp -q -DskipTests package -pl local -am > "$OUT/build.log" 2>&1) \
    || { tail -30 "$OUT/build.log" >&2; exit 1; }
fi
[ -s "$ROOT/local/target/classpath.txt" ] || { echo "no local/target/classpath.txt: run once without BENCH_NO_BUILD" >&2; exit 1; }
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
echo "local worker ready for its first invocation, $RUNS runs per variant: $(date -u +%FT%TZ), $(uname -n), nproc=$(nproc), ${model:-unknown CPU}, $(java -version 2>&1 | sed -n 2p)"
echo "load average at start:$(uptime | sed 's/.*load average://')"
echo
java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dglfs.root="$ROOT" \
  -cp "$ROOT/local/target/classes:$(cat "$ROOT/local/target/classpath.txt")" \
  dev.fargatescaler.local.WorkerStartBench "$RUNS" "$OUT" "$@"
echo
echo "load average at end:$(uptime | sed 's/.*load average://')"
