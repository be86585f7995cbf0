#!/usr/bin/env bash
# Cold path of every function against a hello-world baseline, in the same session:
#   fresh JVM (clean environment: `env -i` plus the function's own variables; -XX:TieredStopAtLevel=1 as Lambda
#   runs java25 with the same setting) -> handler constructor (init) -> first invocation, AWS answered by CannedAwsServer over loopback.
# Also: classes loaded, deployment artifact size, the SnapStart view (init + priming hooks, then the first
# invocation against warm ones), and AppCDS (a dynamic class-data archive) for the path without SnapStart.
#
# Usage: bench/cold-start.sh [runs]        (default 10 runs per side; prints a table; raw lines in target/)
#        BENCH_NO_BUILD=1 bench/cold-start.sh   to reuse the jars already built
set -euo pipefail
cd "$(dirname "$0")/.."
# The JDK the functions deploy to, for the build and the runs (bin/lib/jdk.sh).
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
glfs_find_jdk
ROOT=$PWD
RUNS=${1:-10}
OUT=$ROOT/bench/target/cold
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.jsa "$OUT/results.txt"

if [ -z "${BENCH_NO_BUILD:-}" ]; then
  mvn -B -q -o package dependency:build-classpath -DskipTests -pl bench -am \
    -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
fi
BENCH_CP="$ROOT/bench/target/classes:$(cat "$OUT/classpath.txt")"
# The launcher as a jar: class-data archives (AppCDS) refuse class paths with non-empty directories.
LAUNCHER=$OUT/launcher.jar
(cd "$ROOT/bench/target/classes" && jar cf "$LAUNCHER" dev/fargatescaler/bench/ColdStart.class \
  dev/fargatescaler/bench/BenchContext*.class dev/fargatescaler/bench/HelloHandler.class dev/fargatescaler/bench/crac)
JAVA=$(command -v java)
JAVA_HOME_DIR=$(dirname "$(dirname "$(readlink -f "$JAVA")")")

# --- the AWS stand-in -------------------------------------------------------------------------------------------
"$JAVA" -cp "$BENCH_CP" dev.fargatescaler.bench.CannedAwsServer > "$OUT/canned.port" 2>"$OUT/canned.err" &
CANNED_PID=$!
trap 'kill $CANNED_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$OUT/canned.port" ] && break; sleep 0.1; done
PORT=$(head -1 "$OUT/canned.port")
ENDPOINT=http://127.0.0.1:$PORT

# --- the sides ----------------------------------------------------------------------------------------------------
# name | handler | classpath | event | extra environment (the function's own variables, as template.yaml sets them)
LAMBDA_CORE=$(tr ':' '\n' < "$OUT/classpath.txt" | grep '/aws-lambda-java-core-' | head -1)
SIDES=(
  "hello|dev.fargatescaler.bench.HelloHandler|$LAUNCHER:$LAMBDA_CORE|$ROOT/bench/events/webhook-pending.json|"
  "webhook|dev.fargatescaler.webhook.WebhookHandler|$ROOT/functions/webhook/target/webhook-function.jar:$LAUNCHER|$ROOT/bench/events/webhook-pending.json|JOB_QUEUE_URL=$ENDPOINT/123456789012/jobs WEBHOOK_TOKEN_SECRET=glfs/webhook-token"
)
# Sides for functions that exist on this branch are added by bench/sides.d/*.sh (scaler, reporter...).
for extra in "$ROOT"/bench/sides.d/*.sh; do
  # shellcheck source=/dev/null
  [ -e "$extra" ] && source "$extra"
done

run_side() { # name handler cp event env... -- java-options...
  local name=$1 handler=$2 cp=$3 event=$4 envs=$5; shift 5
  local t0 t1 line
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  line=$(env -i PATH=/usr/bin:/bin JAVA_HOME="$JAVA_HOME_DIR" LANG=C.UTF-8 TZ=UTC \
      AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
      AWS_SESSION_TOKEN=bench AWS_ENDPOINT_URL="$ENDPOINT" AWS_LAMBDA_FUNCTION_NAME="bench-$name" \
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_LAMBDA_FUNCTION_VERSION="\$LATEST" \
      AWS_EXECUTION_ENV=AWS_Lambda_java25 POWERTOOLS_SERVICE_NAME="$name" \
      POWERTOOLS_METRICS_NAMESPACE=GitLabFargateScaler LOG_LEVEL=INFO $envs \
      "$JAVA" -XX:TieredStopAtLevel=1 -Dbench.t0="$t0" "$@" -cp "$cp" dev.fargatescaler.bench.ColdStart \
      "$handler" "$event" 2>>"$OUT/$name.stderr.log" | tee -a "$OUT/$name.stdout.log" | grep '^jvm_to_main=' || true)
  t1=$(date +%s%N)
  [ -n "$line" ] || { echo "side $name produced no result line; see $OUT/$name.*.log" >&2; exit 1; }
  echo "$line process_exit=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b-a)/1e6}')"
}

echo "== cold start: $RUNS fresh JVMs per side, interleaved; AWS answered by CannedAwsServer on $ENDPOINT" >&2
for _ in $(seq "$RUNS"); do
  for side in "${SIDES[@]}"; do
    IFS='|' read -r name handler cp event envs <<<"$side"
    run_side "$name" "$handler" "$cp" "$event" "$envs" | sed "s/^/$name cold /" >> "$OUT/results.txt"
  done
done

# SnapStart view: priming hooks run between init and the first invocation; then 400 more invocations.
for _ in $(seq 3); do
  for side in "${SIDES[@]}"; do
    IFS='|' read -r name handler cp event envs <<<"$side"
    [ "$name" = hello ] && continue
    run_side "$name" "$handler" "$cp" "$event" "$envs" -Dbench.snapstart=true -Dbench.invocations=401 \
      -Dorg.crac.Core.Compat=dev.fargatescaler.bench.crac | sed "s/^/$name snapstart /" >> "$OUT/results.txt"
    run_side "$name" "$handler" "$cp" "$event" "$envs" -Dbench.invocations=401 \
      | sed "s/^/$name unprimed /" >> "$OUT/results.txt"
  done
done

# Classes loaded (one extra run per side) and AppCDS: dump a dynamic archive once, then start from it.
for side in "${SIDES[@]}"; do
  IFS='|' read -r name handler cp event envs <<<"$side"
  run_side "$name" "$handler" "$cp" "$event" "$envs" -Xlog:class+load:file="$OUT/$name.classes.log" >/dev/null
  echo "$name classes $(grep -c 'class,load' "$OUT/$name.classes.log")" >> "$OUT/results.txt"
  run_side "$name" "$handler" "$cp" "$event" "$envs" -Dbench.exit=true -XX:ArchiveClassesAtExit="$OUT/$name.jsa" \
    >/dev/null 2>&1 || true
  if [ -s "$OUT/$name.jsa" ]; then
    for _ in $(seq "$RUNS"); do
      run_side "$name" "$handler" "$cp" "$event" "$envs" -XX:SharedArchiveFile="$OUT/$name.jsa" \
        | sed "s/^/$name appcds /" >> "$OUT/results.txt"
    done
  fi
done

for jar in "$ROOT"/functions/*/target/[!o]*-function.jar; do
  echo "$(basename "$jar" -function.jar) artifact $(stat -c %s "$jar") $(unzip -l "$jar" | tail -1 | awk '{print $2}')" \
    >> "$OUT/results.txt"
done

python3 "$ROOT/bench/summarize-cold.py" "$OUT/results.txt"
