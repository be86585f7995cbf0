#!/usr/bin/env bash
# Issue 15: fresh process -> first response for the webhook and the scaler (and the hello-world baseline),
# through the shipped handlers, production wiring and shaded jars (bench/lib/cold-common.sh: env -i plus the
# function's own variables, -XX:TieredStopAtLevel=1 as Lambda starts its Java runtimes, AWS and GitLab answered
# by CannedAwsServer over loopback), every variant interleaved run by run:
#   17         JDK 17 (BENCH_JAVA17, default Debian's), java21's stand-in, plain
#   17-cds     the same with a dynamic AppCDS archive (-XX:ArchiveClassesAtExit after one training run)
#   25         Temurin 25 (BENCH_JAVA25, default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java), plain
#   25-cds     Temurin 25 with a dynamic AppCDS archive
#   25-aot     Temurin 25 with an AOT cache (JEP 483/514: -XX:AOTCacheOutput in one training run, then -XX:AOTCache;
#              JEP 515's method profiles ride along)
# plus, per JDK, the SnapStart path (init, priming hooks, then invocations 1..201: first vs warm p50).
# Usage: bench/cold-path.sh [runs]   (default 10; BENCH_NO_BUILD=1 reuses the jars; BENCH_SIDES="hello webhook scaler";
#        BENCH_SNAPSTART_RUNS=5 JVMs per JDK for the SnapStart path, BENCH_SNAPSTART_INVOCATIONS=201 invocations in each
#        (3001 for the warm steady state's peak RSS); runs=0 for the SnapStart path only)
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)/target/cold-path
RUNS=${1:-10}
# shellcheck source=bench/lib/cold-common.sh
source "$(dirname "$0")/lib/cold-common.sh"
JAVA17=$DEFAULT_JAVA
JAVA25=${BENCH_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA25" ] || { echo "no JDK 25 at $JAVA25 (set BENCH_JAVA25)" >&2; exit 1; }
read -r -a NAMES <<<"${BENCH_SIDES:-hello webhook scaler}"
RESULTS=$OUT/results.txt
: > "$RESULTS"
rm -f "$OUT"/*.jsa "$OUT"/*.aot "$OUT"/*.log
echo "== $(date -u +%FT%TZ) $(uname -n) nproc=$(nproc) 17=$("$JAVA17" -version 2>&1 | head -1) 25=$("$JAVA25" -version 2>&1 | head -1) uptime:$(uptime)" | tee -a "$RESULTS" >&2

# Training runs: one init + first invocation per side and JDK, exiting normally so that the archive is written.
for name in "${NAMES[@]}"; do
  run_side "$JAVA17" "$name" "" -Dbench.exit=true -XX:ArchiveClassesAtExit="$OUT/$name-17.jsa" >/dev/null 2>&1 || true
  run_side "$JAVA25" "$name" "" -Dbench.exit=true -XX:ArchiveClassesAtExit="$OUT/$name-25.jsa" >/dev/null 2>&1 || true
  run_side "$JAVA25" "$name" "" -Dbench.exit=true -XX:AOTCacheOutput="$OUT/$name-25.aot" >/dev/null 2>&1 || true
  for f in "$OUT/$name-17.jsa" "$OUT/$name-25.jsa" "$OUT/$name-25.aot"; do
    [ -s "$f" ] || { echo "training did not write $f; see $OUT/$name.stderr.log" >&2; exit 1; }
  done
done
# -Xshare:on / -XX:AOTMode=on: fail instead of silently starting without the archive.
variant() { # name variant -> java + options
  case $2 in
    17) echo "$JAVA17" ;;
    17-cds) echo "$JAVA17 -Xshare:on -XX:SharedArchiveFile=$OUT/$1-17.jsa" ;;
    25) echo "$JAVA25" ;;
    25-cds) echo "$JAVA25 -Xshare:on -XX:SharedArchiveFile=$OUT/$1-25.jsa" ;;
    25-aot) echo "$JAVA25 -XX:AOTMode=on -XX:AOTCache=$OUT/$1-25.aot" ;;
  esac
}
# RUNS=0 measures only the SnapStart path (and the lines below).
for run in $(seq "$RUNS"); do
  for name in "${NAMES[@]}"; do
    for v in 17 17-cds 25 25-cds 25-aot; do
      read -r -a cmd <<<"$(variant "$name" "$v")"
      run_side "${cmd[0]}" "$name" "" "${cmd[@]:1}" | sed "s/^/$name $v /" >> "$RESULTS"
    done
  done
  echo "run $run/$RUNS done, load $(load1)" >&2
done
# SnapStart path per JDK (BENCH_SNAPSTART_RUNS JVMs each, default 5): first invocation after priming vs warm.
for _ in $(seq "${BENCH_SNAPSTART_RUNS:-5}"); do
  for name in "${NAMES[@]}"; do
    [ "$name" = hello ] && continue
    for v in 17 25; do
      read -r -a cmd <<<"$(variant "$name" "$v")"
      run_side "${cmd[0]}" "$name" "" -Dbench.snapstart=true \
        -Dbench.invocations="${BENCH_SNAPSTART_INVOCATIONS:-201}" "${CRAC[@]}" \
        | sed "s/^/$name snapstart-$v /" >> "$RESULTS"
    done
  done
done
# Classes loaded by init + first invocation (one extra JVM per side and JDK).
for name in "${NAMES[@]}"; do
  for v in 17 25; do
    read -r -a cmd <<<"$(variant "$name" "$v")"
    run_side "${cmd[0]}" "$name" "" -Xlog:class+load:file="$OUT/$name-$v.classes.log" >/dev/null
    echo "$name classes-$v $(grep -c 'class,load' "$OUT/$name-$v.classes.log")" >> "$RESULTS"
  done
done
for name in "${NAMES[@]}"; do
  for f in "$OUT/$name-17.jsa" "$OUT/$name-25.jsa" "$OUT/$name-25.aot"; do
    echo "$name archive $(basename "$f") $(stat -c %s "$f")" >> "$RESULTS"
  done
done
for jar in "$ROOT"/functions/*/target/[!o]*-function.jar; do
  echo "$(basename "$jar" -function.jar) artifact $(stat -c %s "$jar") $(unzip -l "$jar" | tail -1 | awk '{print $2}')" >> "$RESULTS"
done
echo "== end $(date -u +%FT%TZ) uptime:$(uptime)" | tee -a "$RESULTS" >&2
python3 "$ROOT/bench/summarize-cold-path.py" "$RESULTS"
