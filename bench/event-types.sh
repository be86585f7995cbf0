#!/usr/bin/env bash
# Issue 12's decision: do handlers that take the AWS Lambda Java Events types (RequestHandler<I, O>, the runtime's
# serializer mapping the event) cost more on the cold path than the shipped RequestStreamHandlers?
#
# Per function, interleaved, fresh JVMs (bench/lib/cold-common.sh: env -i, -XX:TieredStopAtLevel=1, AWS answered by
# CannedAwsServer over loopback), on the default JDK or BENCH_JAVA=/path/to/bin/java:
#   stream primed  the shipped handler: init, SnapStart priming hooks, then invocations 1..201
#   typed primed   the same plus what the runtime does for RequestHandler<I, O> (RuntimeSerializerProbe: serializers
#                  created at init, first used by invocation 1, which priming cannot reach)
#   stream / typed unprimed: fresh process -> first response, no SnapStart (local mode, $LATEST, no-SnapStart regions)
# Usage: bench/event-types.sh [runs]   (default 5; BENCH_NO_BUILD=1 reuses the jars; raw lines in target/)
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)/target/event-types
RUNS=${1:-5}
# shellcheck source=bench/lib/cold-common.sh
source "$(dirname "$0")/lib/cold-common.sh"
JAVA=${BENCH_JAVA:-$DEFAULT_JAVA}
RESULTS=$OUT/results.txt
: > "$RESULTS"
echo "== $(date -u +%FT%TZ) $(uname -n) nproc=$(nproc) java=$("$JAVA" -version 2>&1 | head -1) uptime:$(uptime)" | tee -a "$RESULTS" >&2
for run in $(seq "$RUNS"); do
  for fn in webhook scaler reporter sweeper; do
    {
      run_side "$JAVA" "$fn" "" -Dbench.snapstart=true -Dbench.invocations=201 "${CRAC[@]}" \
        | sed "s/^/$fn stream-primed /"
      run_side "$JAVA" "$fn" "$TYPED_CP" -Dbench.typed="$fn" -Dbench.snapstart=true -Dbench.invocations=201 \
        "${CRAC[@]}" | sed "s/^/$fn typed-primed /"
      run_side "$JAVA" "$fn" "" | sed "s/^/$fn stream-unprimed /"
      run_side "$JAVA" "$fn" "$TYPED_CP" -Dbench.typed="$fn" | sed "s/^/$fn typed-unprimed /"
    } >> "$RESULTS"
  done
  echo "run $run/$RUNS done, load $(load1)" >&2
done
echo "== end $(date -u +%FT%TZ) uptime:$(uptime)" | tee -a "$RESULTS" >&2
python3 "$ROOT/bench/summarize-event-types.py" "$RESULTS"
