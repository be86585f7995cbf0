#!/usr/bin/env bash
# Issue 15's "lighter logging set-up": A/B of start-up options on one side, fresh JVMs interleaved
# (bench/lib/cold-common.sh), on the default JDK or BENCH_JAVA:
#   shipped     as deployed (Log4j configured from the functions' log4j2.xml)
#   log4j-props the same configuration as a properties file (bench/options/log4j2.properties): no XML parser
# Usage: bench/cold-options.sh [runs] [side]   (default 8 webhook; BENCH_NO_BUILD=1 reuses the jars)
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)/target/cold-options
RUNS=${1:-8}
SIDE=${2:-webhook}
# shellcheck source=bench/lib/cold-common.sh
source "$(dirname "$0")/lib/cold-common.sh"
JAVA=${BENCH_JAVA:-$DEFAULT_JAVA}
RESULTS=$OUT/results.txt
: > "$RESULTS"
echo "== $(date -u +%FT%TZ) $(uname -n) nproc=$(nproc) java=$("$JAVA" -version 2>&1 | head -1) uptime:$(uptime)" | tee -a "$RESULTS" >&2
for _ in $(seq "$RUNS"); do
  run_side "$JAVA" "$SIDE" "" | sed "s/^/$SIDE shipped /" >> "$RESULTS"
  run_side "$JAVA" "$SIDE" "" -Dlog4j2.configurationFile="$ROOT/bench/options/log4j2.properties" \
    | sed "s/^/$SIDE log4j-props /" >> "$RESULTS"
done
for v in shipped log4j-props; do
  opt=()
  [ "$v" = log4j-props ] && opt=(-Dlog4j2.configurationFile="$ROOT/bench/options/log4j2.properties")
  run_side "$JAVA" "$SIDE" "" "${opt[@]}" -Xlog:class+load:file="$OUT/$v.classes.log" >/dev/null
  echo "$SIDE classes-$v $(grep -c 'class,load' "$OUT/$v.classes.log")" >> "$RESULTS"
done
echo "== end $(date -u +%FT%TZ) uptime:$(uptime)" | tee -a "$RESULTS" >&2
python3 - "$RESULTS" <<'PY'
import statistics, sys
from collections import defaultdict
runs = defaultdict(lambda: defaultdict(list))
for line in open(sys.argv[1]):
    p = line.split()
    if line.startswith("==") or len(p) < 3:
        continue
    if p[1].startswith("classes-"):
        print(f"{p[0]} {p[1][8:]}: {p[2]} classes loaded")
        continue
    for kv in p[2:]:
        k, _, v = kv.partition("=")
        try:
            runs[p[1]][k].append(float(v))
        except ValueError:
            pass
print(f"{'variant':12} {'to 1st resp':>11} {'init':>8} {'1st inv':>8} {'RSS MB':>7} {'n':>3} {'load1':>10}")
for v, r in runs.items():
    m = lambda k: statistics.median(r[k])
    print(f"{v:12} {m('process_to_first_response'):11.1f} {m('init'):8.1f} {m('first'):8.1f} {m('rss_peak_mb'):7.0f} "
          f"{len(r['init']):3d} {min(r['load1']):.2f}-{max(r['load1']):.2f}")
PY
