#!/usr/bin/env bash
# Tests runner/entrypoint.sh against a fake `gitlab-runner` on PATH that records its arguments, its view of
# the environment and the signals it receives. Run: bash runner/test/entrypoint_test.sh (also run by .ci/run).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
entrypoint="$here/../entrypoint.sh"
work="$(mktemp -d)"
main_pid=$BASHPID
# Only this shell cleans up: a forked child that a test signals before it execs would run an inherited EXIT trap.
trap '[[ $BASHPID == "$main_pid" ]] && rm -rf "$work"' EXIT

readonly URL="https://gitlab.example.com"
readonly TOKEN="glrt-test-token-0123456789"

# The fake runner: writes each argument on its own line to $FAKE_RECORD/args, whether it saw the token in
# its environment to $FAKE_RECORD/env, and the signals it gets to $FAKE_RECORD/signals. FAKE_MODE picks what
# it does: "exit:<code>" exits at once with <code>; "wait" runs until SIGTERM/SIGINT, then exits 7.
mkdir -p "$work/bin"
cat >"$work/bin/gitlab-runner" <<'FAKE'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$FAKE_RECORD/args"
if [[ "${CI_SERVER_TOKEN:-}" == "glrt-test-token-0123456789" ]]; then echo token-in-env >"$FAKE_RECORD/env"; fi
case "$FAKE_MODE" in
  exit:*) exit "${FAKE_MODE#exit:}" ;;
  wait)
    trap 'echo TERM >>"$FAKE_RECORD/signals"; exit 7' TERM
    trap 'echo INT >>"$FAKE_RECORD/signals"; exit 7' INT
    echo started >"$FAKE_RECORD/started"
    while :; do sleep 0.1; done
    ;;
esac
FAKE
chmod +x "$work/bin/gitlab-runner"

failures=0
tests=0
fail() { echo "FAIL: $current: $*" >&2; failures=$((failures + 1)); }
begin() {
  current="$1"
  tests=$((tests + 1))
  record="$work/record-$tests"
  mkdir -p "$record"
}

# Runs the entrypoint with a clean environment plus the given VAR=value words; sets $status and $output.
run_entrypoint() {
  local mode="$1"
  shift
  status=0
  output="$(env -i PATH="$work/bin:/usr/bin:/bin" FAKE_RECORD="$record" FAKE_MODE="$mode" "$@" \
    bash "$entrypoint" 2>&1)" || status=$?
}

args_of() { tr '\n' ' ' <"$record/args" | sed 's/ $//'; }

begin "runs run-single with the shell executor, one build and the default wait timeout"
run_entrypoint exit:0 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 0 ]] || fail "exit status $status, want 0"
expected="run-single --url $URL --executor shell --max-builds 1 --wait-timeout 180"
[[ "$(args_of)" == "$expected" ]] || fail "arguments '$(args_of)', want '$expected'"
[[ -f "$record/env" ]] || fail "the runner did not get CI_SERVER_TOKEN in its environment"

begin "never puts the token on the command line or in the log"
run_entrypoint exit:0 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
if grep -q "$TOKEN" "$record/args"; then fail "token found in the runner's arguments"; fi
if [[ "$output" == *"$TOKEN"* ]]; then fail "token found in the entrypoint's output"; fi

begin "takes the wait timeout from RUNNER_WAIT_TIMEOUT and appends extra arguments"
run_entrypoint exit:0 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_WAIT_TIMEOUT=45
expected="run-single --url $URL --executor shell --max-builds 1 --wait-timeout 45"
[[ "$(args_of)" == "$expected" ]] || fail "arguments '$(args_of)', want '$expected'"
status=0
output="$(env -i PATH="$work/bin:/usr/bin:/bin" FAKE_RECORD="$record" FAKE_MODE=exit:0 CI_SERVER_URL="$URL" \
  CI_SERVER_TOKEN="$TOKEN" RUNNER_WAIT_TIMEOUT=45 bash "$entrypoint" --builds-dir /tmp/builds 2>&1)" || status=$?
[[ "$(args_of)" == "$expected --builds-dir /tmp/builds" ]] || fail "extra arguments not appended: '$(args_of)'"

begin "exits with the runner's own status"
run_entrypoint exit:3 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 3 ]] || fail "exit status $status, want 3"

begin "refuses to start without URL and token, naming both, printing no token"
run_entrypoint exit:0
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *CI_SERVER_URL* && "$output" == *CI_SERVER_TOKEN* ]] || fail "output does not name both: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "refuses to start without the token, naming only the token"
run_entrypoint exit:0 CI_SERVER_URL="$URL"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *"missing required variable: CI_SERVER_TOKEN"* ]] || fail "output: $output"
[[ "$output" != *"missing required variable: CI_SERVER_URL"* ]] || fail "URL reported missing: $output"

begin "refuses to start with the token but no URL, without printing the token"
run_entrypoint exit:0 CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" != *"$TOKEN"* ]] || fail "token printed: $output"

begin "rejects a wait timeout that is not a whole number of seconds"
run_entrypoint exit:0 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_WAIT_TIMEOUT=3m
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "rejects a URL that is not http(s)"
run_entrypoint exit:0 CI_SERVER_URL="gitlab.example.com" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"

begin "warns about a token that is not a runner authentication token, without printing it"
run_entrypoint exit:0 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="GR1348941-registration-token"
[[ $status -eq 0 ]] || fail "exit status $status, want 0"
[[ "$output" == *"does not look like a runner authentication token"* ]] || fail "no warning: $output"
[[ "$output" != *GR1348941* ]] || fail "token printed: $output"

begin "forwards SIGTERM to the runner, waits for it and exits with its status"
env -i PATH="$work/bin:/usr/bin:/bin" FAKE_RECORD="$record" FAKE_MODE=wait CI_SERVER_URL="$URL" \
  CI_SERVER_TOKEN="$TOKEN" bash "$entrypoint" >"$record/out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [[ -f "$record/started" ]] && break; sleep 0.05; done
[[ -f "$record/started" ]] || fail "the fake runner never started"
kill -TERM "$pid"
# A watchdog, so that a lost signal fails the test instead of hanging CI.
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  fail "the entrypoint still runs 10 s after SIGTERM"
  pkill -KILL -f "$work/bin/gitlab-runner" || true
  kill -KILL "$pid" 2>/dev/null || true
fi
status=0
wait "$pid" || status=$?
[[ $status -eq 7 ]] || fail "exit status $status, want the runner's 7"
[[ "$(cat "$record/signals" 2>/dev/null)" == "TERM" ]] || fail "runner got signals '$(cat "$record/signals" 2>/dev/null)', want exactly one TERM"
if pgrep -f "$work/bin/gitlab-runner" >/dev/null; then fail "a process of this test is still running"; fi

begin "never loses a SIGTERM that arrives while the runner is being started"
lost=0
for attempt in $(seq 1 20); do
  rm -f "$record/signals" "$record/started"
  env -i PATH="$work/bin:/usr/bin:/bin" FAKE_RECORD="$record" FAKE_MODE=wait CI_SERVER_URL="$URL" \
    CI_SERVER_TOKEN="$TOKEN" bash "$entrypoint" >"$record/out" 2>&1 &
  pid=$!
  # Vary the moment: immediately, or after a short random delay, so that some signals land in the window
  # between starting gitlab-runner and knowing its pid.
  sleep "0.0$((RANDOM % 3))"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    lost=$((lost + 1))
    pkill -KILL -f "$work/bin/gitlab-runner" || true
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  : "$attempt"
done
[[ $lost -eq 0 ]] || fail "$lost of 20 early SIGTERMs were lost (the entrypoint kept running)"

echo "entrypoint tests: $tests run, $failures failed"
[[ $failures -eq 0 ]]
