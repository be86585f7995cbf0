#!/usr/bin/env bash
# Entrypoint of the runner task: runs ONE GitLab job with the shell executor, then exits.
#
# Inputs (all from the task definition, never from RunTask overrides: overrides are copied into EventBridge
# events, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html):
#   CI_SERVER_URL        GitLab base URL (task definition `environment`)
#   CI_SERVER_TOKEN      the environment's runner authentication token, glrt-... (task definition `secrets`)
#   RUNNER_WAIT_TIMEOUT  seconds to wait for a job before exiting idle (default 180)
# Extra arguments (the image's CMD or the task definition's `command`) are appended to `run-single`.
#
# The token is NOT put on the command line: gitlab-runner reads CI_SERVER_TOKEN (and CI_SERVER_URL) from the
# environment itself (flag `--token`, env CI_SERVER_TOKEN), and a command line is readable by every process in
# the container through /proc/<pid>/cmdline and shows up in `ps`.
# https://docs.gitlab.com/runner/commands/#gitlab-runner-run-single
set -euo pipefail

readonly EX_CONFIG=78 # sysexits.h EX_CONFIG: the task is misconfigured, retrying will not help

log() { printf 'glfs-entrypoint: %s\n' "$*" >&2; }

missing=()
[[ -n "${CI_SERVER_URL:-}" ]] || missing+=("CI_SERVER_URL (the GitLab URL, task definition 'environment')")
[[ -n "${CI_SERVER_TOKEN:-}" ]] || missing+=("CI_SERVER_TOKEN (the runner token, task definition 'secrets')")
if ((${#missing[@]} > 0)); then
  for name in "${missing[@]}"; do
    log "missing required variable: $name"
  done
  exit "$EX_CONFIG"
fi

if [[ ! "$CI_SERVER_URL" =~ ^https?://[^[:space:]]+$ ]]; then
  log "CI_SERVER_URL must be an http(s) URL, got '$CI_SERVER_URL'"
  exit "$EX_CONFIG"
fi

# Runner authentication tokens start with glrt-; registration tokens are deprecated and run-single cannot use
# them. Warn only (GitLab may change prefixes) and never print any part of the token.
if [[ "$CI_SERVER_TOKEN" != glrt-* ]]; then
  log "warning: CI_SERVER_TOKEN does not look like a runner authentication token (glrt-...)"
fi

wait_timeout="${RUNNER_WAIT_TIMEOUT:-180}"
if [[ ! "$wait_timeout" =~ ^[1-9][0-9]{0,4}$ ]]; then
  log "RUNNER_WAIT_TIMEOUT must be a whole number of seconds between 1 and 99999, got '$wait_timeout'"
  exit "$EX_CONFIG"
fi

runner_pid=""
pending_signal=""

# ECS stops a task (StopTask, Spot interruption, scale-in) with SIGTERM, then SIGKILL after the container's
# stopTimeout. Forward the signal to the runner so it can abort the job and report it to GitLab, instead of
# being killed with no word to GitLab. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html
# shellcheck disable=SC2317 # invoked through the traps below, which shellcheck 0.9 cannot follow
forward() {
  local signal="$1"
  log "received SIG$signal, forwarding it to gitlab-runner"
  if [[ -n "$runner_pid" ]]; then
    kill -s "$signal" "$runner_pid" 2>/dev/null || true
  else
    # The runner was started but its pid is not recorded yet: deliver the signal right after.
    pending_signal="$signal"
  fi
}
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward QUIT' QUIT

log "running one job from $CI_SERVER_URL (wait timeout ${wait_timeout}s)"
gitlab-runner run-single \
  --url "$CI_SERVER_URL" \
  --executor shell \
  --max-builds 1 \
  --wait-timeout "$wait_timeout" \
  "$@" &
runner_pid=$!
if [[ -n "$pending_signal" ]]; then
  kill -s "$pending_signal" "$runner_pid" 2>/dev/null || true
fi

# `wait` returns early (status > 128) when a trapped signal arrives; keep waiting until the runner itself has
# exited, then exit with the runner's own status.
while :; do
  status=0
  wait "$runner_pid" || status=$?
  if ! kill -0 "$runner_pid" 2>/dev/null; then
    break
  fi
done
log "gitlab-runner exited with status $status"
exit "$status"
