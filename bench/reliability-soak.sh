#!/usr/bin/env bash
# Longer run of the fault-injection suite (reliability/): more jobs, other seeds. The build runs 1,000 jobs with
# one seed; this runs JOBS jobs for each seed given.
#   bench/reliability-soak.sh [JOBS] [SEED...]      e.g. bench/reliability-soak.sh 10000 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
# The JDK the functions deploy to, for the build and the runs (bin/lib/jdk.sh).
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
glfs_find_jdk
jobs="${1:-10000}"
shift || true
seeds=("$@")
[ "${#seeds[@]}" -gt 0 ] || seeds=(1 2 3)

for seed in "${seeds[@]}"; do
  mvn -B -q verify -pl reliability -am -Dtest=FaultInjectionSuiteTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dreliability.jobs="$jobs" -Dreliability.seed="$seed" >/dev/null
  cat reliability/target/reliability-report.txt
done
