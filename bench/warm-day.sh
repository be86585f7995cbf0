#!/usr/bin/env bash
# A working day in virtual time, with and without warm pools: queue time p50/p90/p99, pool cost, and the control
# plane's own share (docs/warm-pool.md, figures in docs/performance.md). Not a timed test: the queue times are
# virtual (deterministic for a seed); only the control-plane milliseconds are real.
#   bash bench/warm-day.sh            (seed: -Dwarmday.seed=..., passed through MAVEN_ARGS)
set -euo pipefail
cd "$(dirname "$0")/.."
# The JDK the functions deploy to, for the build and the runs (bin/lib/jdk.sh).
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
glfs_find_jdk
date -u
uname -sm
nproc
uptime
read -r -a extra <<< "${MAVEN_ARGS:-}"
mvn -B -ntp -q -pl reliability -am verify -DskipITs -Dtest=WarmDayBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  "${extra[@]}" >/dev/null
cat reliability/target/warm-day-report.txt
