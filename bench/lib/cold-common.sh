# shellcheck shell=bash disable=SC2034
# Shared by bench/event-types.sh and bench/cold-path.sh (sourced): builds the jars (unless BENCH_NO_BUILD=1),
# starts CannedAwsServer (AWS and GitLab answered over loopback), defines the sides and `run_side`.
# Set OUT before sourcing. After sourcing: ROOT, LAUNCHER, BENCH_CP, ENDPOINT, SIDES, run_side, load1.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$OUT"

if [ -z "${BENCH_NO_BUILD:-}" ]; then
  # The sweeper is not a dependency of bench: built here so that its shaded jar is current too.
  # The build runs on the JDK the functions deploy to (bin/lib/jdk.sh); the runs below pick their JDK each.
  # shellcheck source=bin/lib/jdk.sh
  (source "$ROOT/bin/lib/jdk.sh" && glfs_find_jdk && cd "$ROOT" && mvn -B -q -o package dependency:build-classpath -DskipTests -pl bench,functions/sweeper -am \
    -Dmdep.outputFile="$OUT/classpath.txt" > "$OUT/build.log" 2>&1) || { tail -30 "$OUT/build.log" >&2; exit 1; }
fi
[ -s "$OUT/classpath.txt" ] || { echo "no $OUT/classpath.txt: run once without BENCH_NO_BUILD" >&2; exit 1; }
BENCH_CP="$ROOT/bench/target/classes:$(cat "$OUT/classpath.txt")"
# The launcher as a jar: class-data archives and AOT caches refuse class paths with non-empty directories.
LAUNCHER=$OUT/launcher.jar
(cd "$ROOT/bench/target/classes" && jar cf "$LAUNCHER" dev/fargatescaler/bench/ColdStart.class \
  dev/fargatescaler/bench/BenchContext*.class dev/fargatescaler/bench/HelloHandler.class \
  dev/fargatescaler/bench/RuntimeSerializerProbe.class dev/fargatescaler/bench/crac)
jar_of() { tr ':' '\n' < "$OUT/classpath.txt" | grep "/$1-[0-9]" | head -1; }
LAMBDA_CORE=$(jar_of aws-lambda-java-core)
# What the managed runtime brings for RequestHandler<I, O> (its serializer) and the event types a typed
# handler's jar would carry: only on the class path of the `typed` variants.
TYPED_CP="$(jar_of aws-lambda-java-serialization):$(jar_of aws-lambda-java-events):$(jar_of joda-time)"

# The JDK 17 side (java21's stand-in: no JDK 21 runs on these machines): BENCH_JAVA17, else Debian's, else `java`.
DEFAULT_JAVA=${BENCH_JAVA17:-$( [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ] && echo /usr/lib/jvm/java-17-openjdk-amd64/bin/java || command -v java)}
"$DEFAULT_JAVA" -cp "$BENCH_CP" dev.fargatescaler.bench.CannedAwsServer > "$OUT/canned.port" 2>"$OUT/canned.err" &
CANNED_PID=$!
trap 'kill $CANNED_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$OUT/canned.port" ] && break; sleep 0.1; done
PORT=$(head -1 "$OUT/canned.port")
ENDPOINT=http://127.0.0.1:$PORT

ENVIRONMENTS_JSON='[{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-runner-dev","containerName":"gitlab-runner","subnets":["subnet-0a1b2c3d"],"securityGroups":["sg-0a1b2c3d"],"launchMode":{"type":"FARGATE"},"maxConcurrentTasks":1000}]'
GITLAB_ENV="JOB_QUEUE_URL=$ENDPOINT/123456789012/jobs GITLAB_URL=$ENDPOINT GITLAB_TOKEN_SECRET=glfs/gitlab-api-token ENVIRONMENTS=$ENVIRONMENTS_JSON"
# name | handler | jar | event | the function's own variables (as template.yaml sets them)
declare -A SIDES=(
  [hello]="dev.fargatescaler.bench.HelloHandler|$LAMBDA_CORE|$ROOT/bench/events/webhook-pending.json|"
  [webhook]="dev.fargatescaler.webhook.WebhookHandler|$ROOT/functions/webhook/target/webhook-function.jar|$ROOT/bench/events/webhook-pending.json|JOB_QUEUE_URL=$ENDPOINT/123456789012/jobs WEBHOOK_TOKEN_SECRET=glfs/webhook-token"
  [scaler]="dev.fargatescaler.scaler.ScalerHandler|$ROOT/functions/scaler/target/scaler-function.jar|$ROOT/bench/events/scaler-one-job.json|$GITLAB_ENV"
  [reporter]="dev.fargatescaler.reporter.ReporterHandler|$ROOT/functions/reporter/target/reporter-function.jar|$ROOT/bench/events/reporter-stopped-success-numbered.json|$GITLAB_ENV"
  [sweeper]="dev.fargatescaler.sweeper.SweeperHandler|$ROOT/functions/sweeper/target/sweeper-function.jar|$ROOT/events/sweeper-scheduled.json|$GITLAB_ENV"
  # The same functions from the shaded jar before ProGuard shrinks it (functions/shrink.pro): what shrinking changes.
  [webhook-unshrunk]="dev.fargatescaler.webhook.WebhookHandler|$ROOT/functions/webhook/target/webhook-shaded.jar|$ROOT/bench/events/webhook-pending.json|JOB_QUEUE_URL=$ENDPOINT/123456789012/jobs WEBHOOK_TOKEN_SECRET=glfs/webhook-token"
  [scaler-unshrunk]="dev.fargatescaler.scaler.ScalerHandler|$ROOT/functions/scaler/target/scaler-shaded.jar|$ROOT/bench/events/scaler-one-job.json|$GITLAB_ENV"
)

load1() { cut -d' ' -f1 /proc/loadavg; }

# run_side <java> <side> <extra class path or ""> [java options...]: one fresh JVM with a clean environment
# (`env -i` plus the function's own variables), -XX:TieredStopAtLevel=1 as Lambda's Java runtimes start it,
# JAVA_TOOL_OPTIONS as template.yaml sets it (-XX:+UseSerialGC) and -XX:MaxRAM at the template's MemorySize
# (1,024 MB), so that heap sizing and GC are the function's, not this 23 GiB machine's.
# Prints ColdStart's line plus process_exit (fork -> exit, measured outside the JVM) and load1.
run_side() {
  local java=$1 name=$2 extra_cp=$3; shift 3
  local handler jar event envs t0 t1 line cp exec_env
  IFS='|' read -r handler jar event envs <<<"${SIDES[$name]}"
  cp="$jar:$LAUNCHER${extra_cp:+:$extra_cp}"
  exec_env=AWS_Lambda_java$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  line=$(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TZ=UTC \
      AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
      AWS_SESSION_TOKEN=bench AWS_ENDPOINT_URL="$ENDPOINT" AWS_LAMBDA_FUNCTION_NAME="bench-$name" \
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_LAMBDA_FUNCTION_VERSION="\$LATEST" \
      AWS_EXECUTION_ENV="$exec_env" POWERTOOLS_SERVICE_NAME="$name" \
      POWERTOOLS_METRICS_NAMESPACE=GitLabFargateScaler LOG_LEVEL=INFO JAVA_TOOL_OPTIONS=-XX:+UseSerialGC $envs \
      "$java" -XX:TieredStopAtLevel=1 -XX:MaxRAM=1g -Dbench.t0="$t0" "$@" -cp "$cp" dev.fargatescaler.bench.ColdStart \
      "$handler" "$event" 2>>"$OUT/$name.stderr.log" | tee -a "$OUT/$name.stdout.log" | grep '^jvm_to_main=' || true)
  t1=$(date +%s%N)
  [ -n "$line" ] || { echo "side $name produced no result line; see $OUT/$name.*.log" >&2; return 1; }
  echo "$line process_exit=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b-a)/1e6}') load1=$(load1)"
}
CRAC=(-Dorg.crac.Core.Compat=dev.fargatescaler.bench.crac)
