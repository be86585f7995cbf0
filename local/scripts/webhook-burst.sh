#!/usr/bin/env bash
# Sends N webhooks at once to a running `bin/local start` and prints what they saw (docs/local-mode.md,
# "Concurrency"). Each delivery has its own Idempotency-Key, so each is a fresh delivery that the webhook queues.
#   local/scripts/webhook-burst.sh [N=16] [ROUNDS=3] [URL=http://127.0.0.1:8080/webhook]
# The first round includes the cold starts of the execution environments it needs (as in Lambda); later
# rounds run on warm ones. Needs curl.
set -euo pipefail

N="${1:-16}"
ROUNDS="${2:-3}"
URL="${3:-http://127.0.0.1:8080/webhook}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BODY="$ROOT/functions/domain/src/test/resources/fixtures/job-pending.derived.json"
TOKEN="local-webhook-token"

one() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$URL" \
    -H 'Content-Type: application/json' -H 'X-Gitlab-Event: Job Hook' -H "X-Gitlab-Token: $TOKEN" \
    -H "Idempotency-Key: burst-$1-$RANDOM$RANDOM" --data-binary "@$BODY"
}
export -f one
export URL TOKEN BODY

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  results="$(seq 1 "$N" | xargs -P "$N" -I{} bash -c 'one "$@"' _ "{}")"
  statuses="$(echo "$results" | cut -d' ' -f1 | sort | uniq -c | awk '{printf "%s x%s ", $2, $1}')"
  echo "$results" | cut -d' ' -f2 | sort -n | awk -v n="$N" -v r="$round" -v s="$statuses" '
    { t[NR] = $1 }
    END {
      p50 = t[int((NR + 1) / 2)]; p90 = t[int(NR * 0.9 + 0.999)]; max = t[NR]
      printf "round %d: %d concurrent webhooks: p50 %.0f ms, p90 %.0f ms, max %.0f ms (answers: %s)\n", r, n,
             p50 * 1000, p90 * 1000, max * 1000, s
    }'
done
