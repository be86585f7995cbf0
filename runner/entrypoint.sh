#!/usr/bin/env bash
# Entrypoint of the runner task: runs ONE GitLab job with the shell executor, then exits with a status that tells
# the reporter what the task did. Runs as root, as PID 2 under ECS's init process (initProcessEnabled), and runs
# the job as the unprivileged RUNNER_JOB_USER.
#
# Inputs (from the task definition or the image, not from RunTask overrides except RUNNER_TOKEN_VARIABLE: overrides
# are copied into
# EventBridge events, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html):
#   CI_SERVER_URL         GitLab base URL (task definition `environment`)
#   CI_SERVER_TOKEN       the environment's runner authentication token, glrt-... (task definition `secrets`)
#   CI_SERVER_TOKEN_<n>   the token of the size class in slot n (1-9; environment.yaml has 3 slots, each its own
#                         task definition secret, environment.yaml SizeClass<n>TokenSecretArn)
#   RUNNER_TOKEN_VARIABLE which of those variables holds this task's token (default CI_SERVER_TOKEN). The one input
#                         that comes from RunTask overrides: it names a variable, it holds no secret. A size class
#                         needs its own runner in GitLab and so its own token, and RunTask cannot override secrets
#                         (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html
#                         has environment, not secrets), so the task definition carries every class's token and the
#                         scaler picks one by name. docs/configuration.md, "Size classes".
#   RUNNER_WAIT_TIMEOUT   seconds to wait for a job before exiting idle (default 60)
#   RUNNER_JOB_USER       the user jobs run as (default gitlab-runner; must exist, must not be root)
#   RUNNER_SETTINGS_FILE  optional TOML appended to the runner's [[runners]] entry: builds_dir, environment,
#                         pre_build_script, feature_flags, [runners.cache]... (default /etc/glfs/runner-settings.toml
#                         when that file exists). It must not set name, url, token, executor or shell.
# No arguments: with the token in a configuration file, run-single takes every runner setting from that file and
# ignores runner flags (commands/single.go HandleArgs), so settings go in RUNNER_SETTINGS_FILE.
#
# Exit status: the reporter classifies a task by it (OutcomeClassifier, RunnerExitCodes; docs/lifecycle.md):
#   0      the runner took a job and ran it. The job's own result (passed, failed) is GitLab's, not this code.
#          Also 0, with a warning, when gitlab-runner exited 0 but printed none of the lines below: a runner
#          version whose messages changed; nothing is lost, the task is then reported as if it ran a job.
#   77     GitLab refused the runner token (HTTP 403 to POST /api/v4/jobs/request): no job ran. The entrypoint stops
#          the runner as soon as it logs the refusal, instead of letting it wait 300 s and idle out.
#   78     the task is misconfigured (a missing or invalid variable, not started as root, unknown job user, ...):
#          the runner was not started.
#   79     no job came within RUNNER_WAIT_TIMEOUT seconds (usually another runner took the job): no job ran.
#   128+n  the task was stopped by signal n (143 SIGTERM, 130 SIGINT, 131 SIGQUIT); a running job was aborted.
#   other  gitlab-runner's own status when it failed by itself (1: a fatal error, 2: a crash).
# What gitlab-runner prints, which tells these apart (paths in https://gitlab.com/gitlab-org/gitlab-runner at tag
# v17.11.4; the runner's log goes to stderr, which this script passes on unchanged):
#   "Starting runner for ..."                      commands/single.go Execute, once the configuration is loaded
#   "Checking for jobs... received"                network/gitlab.go RequestJob, HTTP 201: a job was taken
#   "Checking for jobs... forbidden"               network/gitlab.go RequestJob, HTTP 403: the token is refused
#                                                  (GitLab: lib/api/ci/helpers/runner.rb authenticate_runner!)
#   "This runner has not received a job in"        commands/single.go checkFinishedConditions: idle timeout
# The first of received, forbidden and idle decides; nothing printed after a job was received changes it.
#
# Stopping (StopTask, a Spot interruption, the reaper, scale-in): ECS sends the image's STOPSIGNAL (SIGTERM, see
# the Dockerfile) to the init process, which passes it to this script, then SIGKILL after the task definition's
# stopTimeout. run-single treats SIGQUIT as "finish the job, then exit" and SIGTERM/SIGINT as "abort the job"
# (commands/single.go waitForInterrupts), and reports an aborted job to GitLab as failed (common/build.go:
# "aborted: <signal>", runner_system_failure). So whichever of SIGTERM, SIGINT or SIGQUIT arrives, the runner gets
# SIGTERM, once: a second signal would make it exit at once without telling GitLab ("forced exit").
#
# The token never reaches the job: it is written to a root-only (0700 directory, 0600 file) runner configuration
# that run-single reads with --config/--runner, removed from the environment the runner (and so every job:
# executors/shell/shell.go passes os.Environ()) inherits, and the file is deleted once the runner has loaded it.
# Jobs run as RUNNER_JOB_USER through runner/job-shell/bash, so they cannot read root's files, the runner's memory
# or /proc/<pid>/environ of this script or of PID 1. Not on any command line either: /proc/<pid>/cmdline is
# world-readable. Residual exposure: docs/security.md.
set -euo pipefail

readonly EX_REFUSED=77 # GitLab refused the runner token
readonly EX_CONFIG=78  # sysexits.h EX_CONFIG: the task is misconfigured, retrying will not help
readonly EX_IDLE=79    # no job within the wait timeout
readonly RUNNER_NAME=glfs
readonly DEFAULT_SETTINGS_FILE=/etc/glfs/runner-settings.toml

log() { printf 'glfs-entrypoint: %s\n' "$*" >&2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
job_shell_dir="$here/job-shell"

# Signals are handled from the start, so that a stop during the checks below is not lost either.
main_pid=$BASHPID
state_dir=""
watcher_pid=""
runner_pid=""
stop_signal=""
refused=0
runner_signalled=0

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  [[ $BASHPID == "$main_pid" ]] || return 0
  if [[ -n "$watcher_pid" ]]; then kill "$watcher_pid" 2>/dev/null || true; fi
  if [[ -n "$state_dir" ]]; then rm -rf -- "$state_dir"; fi
}
trap cleanup EXIT

# Tells the runner to abort, once (run-single's second signal is a "forced exit" that reports nothing).
# shellcheck disable=SC2317 # invoked through the traps below, which shellcheck 0.9 cannot follow
abort_runner() {
  if ((runner_signalled)) || [[ -z "$runner_pid" ]]; then
    return 0 # not started yet: done right after it starts
  fi
  runner_signalled=1
  kill -TERM "$runner_pid" 2>/dev/null || true
}
# shellcheck disable=SC2317
on_stop() {
  if [[ -n "$stop_signal" ]]; then
    log "received SIG$1 while stopping: not passed on (a second signal makes gitlab-runner exit at once, without"
    log "telling GitLab that the job failed)"
    return 0
  fi
  stop_signal="$1"
  log "received SIG$1: the task is being stopped; telling gitlab-runner to abort the job (SIGTERM), so that GitLab"
  log "marks it failed now instead of when its stuck-job cleanup runs"
  abort_runner
}
# shellcheck disable=SC2317
on_refused() {
  [[ -z "$stop_signal" ]] || return 0
  refused=1
  log "GitLab refused the runner token (HTTP 403 Forbidden): stopping gitlab-runner now rather than after its"
  log "300 s unhealthy wait. The token was reset or the runner deleted in GitLab: store the environment's current"
  log "glrt- token in its secret (docs/operations.md, RunnerRefused)"
  abort_runner
}
trap 'on_stop TERM' TERM
trap 'on_stop INT' INT
trap 'on_stop QUIT' QUIT
trap on_refused USR1

stop_status() { echo $((128 + $(kill -l "$1"))); }

if (($# > 0)); then
  log "no arguments are accepted (got $#): run-single reads runner settings from its configuration file only;"
  log "put them in RUNNER_SETTINGS_FILE (default $DEFAULT_SETTINGS_FILE), see runner/Dockerfile"
  exit "$EX_CONFIG"
fi

if [[ "$(id -u)" -ne 0 ]]; then
  log "must start as root (the image's USER root): it keeps the runner token where only root can read it and runs"
  log "jobs as RUNNER_JOB_USER; started as uid $(id -u), every job could read the token"
  exit "$EX_CONFIG"
fi

# Which variable holds this task's token: only a runner token variable, so that an override can never make the
# entrypoint write another variable (CI_SERVER_URL, AWS_...) into the runner's configuration.
token_variable="${RUNNER_TOKEN_VARIABLE:-CI_SERVER_TOKEN}"
if [[ ! "$token_variable" =~ ^CI_SERVER_TOKEN(_[1-9])?$ ]]; then
  log "RUNNER_TOKEN_VARIABLE must be CI_SERVER_TOKEN or CI_SERVER_TOKEN_1 to CI_SERVER_TOKEN_9 (a size class's token"
  log "slot), got '$token_variable'"
  exit "$EX_CONFIG"
fi
# Every token variable the task has, the chosen one and the other classes': all are removed before the runner starts.
mapfile -t token_variables < <(compgen -v CI_SERVER_TOKEN || true)

missing=()
[[ -n "${CI_SERVER_URL:-}" ]] || missing+=("CI_SERVER_URL (the GitLab URL, task definition 'environment')")
if [[ -z "${!token_variable:-}" ]]; then
  if [[ "$token_variable" == CI_SERVER_TOKEN ]]; then
    missing+=("CI_SERVER_TOKEN (the runner token, task definition 'secrets')")
  else
    slot="${token_variable##*_}"
    missing+=("$token_variable (the size class's runner token, task definition 'secrets': set the environment"
      "stack's SizeClass${slot}TokenSecretArn)")
  fi
fi
if ((${#missing[@]} > 0)); then
  for name in "${missing[@]}"; do
    log "missing required variable: $name"
  done
  exit "$EX_CONFIG"
fi

# The URL and the token are written into TOML basic strings: refuse anything that would need escaping.
if [[ ! "$CI_SERVER_URL" =~ ^https?://[^[:space:]\"\\]+$ ]]; then
  log "CI_SERVER_URL must be an http(s) URL without spaces, quotes or backslashes, got '$CI_SERVER_URL'"
  exit "$EX_CONFIG"
fi
token="${!token_variable}"
if [[ "$token" == *[$'\r\n'] ]]; then
  while [[ "$token" == *[$'\r\n'] ]]; do token="${token%?}"; done
  log "warning: removed a trailing newline from $token_variable (was the secret stored from a file?)"
fi
# Never print any part of the token from here on.
if [[ ! "$token" =~ ^[A-Za-z0-9._~+/=-]+$ ]]; then
  log "$token_variable contains characters that no GitLab token has (spaces, quotes, backslashes...)"
  exit "$EX_CONFIG"
fi
# Runner authentication tokens start with glrt-; registration tokens are deprecated and run-single cannot use
# them. Warn only (GitLab may change prefixes).
if [[ "$token" != glrt-* ]]; then
  log "warning: $token_variable does not look like a runner authentication token (glrt-...)"
fi

wait_timeout="${RUNNER_WAIT_TIMEOUT:-60}"
if [[ ! "$wait_timeout" =~ ^[1-9][0-9]{0,4}$ ]]; then
  log "RUNNER_WAIT_TIMEOUT must be a whole number of seconds between 1 and 99999, got '$wait_timeout'"
  exit "$EX_CONFIG"
fi

job_user="${RUNNER_JOB_USER:-gitlab-runner}"
if ! job_uid="$(id -u "$job_user" 2>/dev/null)"; then
  log "RUNNER_JOB_USER '$job_user' does not exist in this image: create it, or name an existing unprivileged user"
  exit "$EX_CONFIG"
fi
if [[ "$job_uid" -eq 0 ]]; then
  log "RUNNER_JOB_USER '$job_user' is root: a job running as root could read the runner token; name another user"
  exit "$EX_CONFIG"
fi
export RUNNER_JOB_USER="$job_user"
if [[ ! -x "$job_shell_dir/bash" ]]; then
  log "the job shell $job_shell_dir/bash is missing: the image is incomplete (runner/Dockerfile copies it)"
  exit "$EX_CONFIG"
fi
for path in "$job_shell_dir" "$job_shell_dir/bash"; do
  read -r owner mode < <(stat -c '%u %a' "$path")
  if ((owner != 0 || (8#$mode & 8#022) != 0)); then
    log "$path must be owned by root and writable by root only: it runs as root for every job"
    exit "$EX_CONFIG"
  fi
done
# The job's builds go to ./builds (the shell executor's default builds_dir is $PWD/builds). Checking it through
# the job shell also proves that the job shell can drop to the job user (setpriv is installed and works).
without_tokens=()
for name in "${token_variables[@]}"; do without_tokens+=(-u "$name"); done
if ! env "${without_tokens[@]}" "$job_shell_dir/bash" -c 'test -w .' 2>/dev/null; then
  log "the working directory $PWD is not writable by $job_user (the job's builds go there), or the job shell"
  log "cannot switch to that user (setpriv missing?): set WORKDIR to $job_user's home in the image"
  exit "$EX_CONFIG"
fi

settings_file="${RUNNER_SETTINGS_FILE:-}"
if [[ -z "$settings_file" && -f "$DEFAULT_SETTINGS_FILE" ]]; then
  settings_file="$DEFAULT_SETTINGS_FILE"
fi
if [[ -n "$settings_file" ]]; then
  if [[ ! -r "$settings_file" ]]; then
    log "RUNNER_SETTINGS_FILE '$settings_file' cannot be read"
    exit "$EX_CONFIG"
  fi
  owned=()
  number=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    number=$((number + 1))
    if [[ "$line" =~ ^[[:space:]]*(name|url|token|executor|shell)[[:space:]]*= ]]; then
      owned+=("line $number: ${BASH_REMATCH[1]}")
    elif [[ "$line" =~ ^[[:space:]]*\[\[ ]]; then
      owned+=("line $number: a [[...]] entry")
    fi
  done <"$settings_file"
  if ((${#owned[@]} > 0)); then
    # Names and line numbers only: a value could be a token.
    log "RUNNER_SETTINGS_FILE '$settings_file' sets what the entrypoint owns (name, url, token, executor, shell"
    log "or another [[runners]] entry): ${owned[*]}"
    exit "$EX_CONFIG"
  fi
fi

# --- start ----------------------------------------------------------------------------------------------------

state_dir="$(mktemp -d "${TMPDIR:-/tmp}/glfs-runner.XXXXXXXX")"
chmod 0700 "$state_dir"
config_file="$state_dir/config.toml"
outcome_file="$state_dir/outcome"
runner_log="$state_dir/runner-log"
(
  umask 077
  {
    echo "# Written by glfs-entrypoint for one run-single; deleted once the runner has loaded it."
    echo "[[runners]]"
    echo "  name = \"$RUNNER_NAME\""
    echo "  url = \"$CI_SERVER_URL\""
    echo "  token = \"$token\""
    echo "  executor = \"shell\""
    echo "  shell = \"bash\""
    if [[ -n "$settings_file" ]]; then
      echo "  # from $settings_file"
      cat -- "$settings_file"
      echo
    fi
  } >"$config_file"
)
for name in "${token_variables[@]}"; do unset "$name"; done
unset token
mkfifo -m 0600 "$runner_log"

# Passes the runner's log on unchanged, and notes the first line that tells what the run did.
watch_runner_log() {
  local line outcome=""
  while IFS= read -r line || [[ -n "$line" ]]; do
    printf '%s\n' "$line" >&2
    [[ -z "$outcome" ]] || continue
    case "$line" in
      *"Starting runner for "*) rm -f -- "$config_file" ;;
      *"Checking for jobs... received"*) outcome=job ;;
      *"Checking for jobs... forbidden"*) outcome=refused ;;
      *"This runner has not received a job in "*) outcome=idle ;;
    esac
    if [[ -n "$outcome" ]]; then
      echo "$outcome" >"$outcome_file"
      if [[ "$outcome" == refused ]]; then kill -USR1 "$main_pid" 2>/dev/null || true; fi
    fi
  done
}

if [[ -n "$stop_signal" ]]; then
  log "stopped before gitlab-runner started"
  exit "$(stop_status "$stop_signal")"
fi
watch_runner_log <"$runner_log" &
watcher_pid=$!
log "running one job from $CI_SERVER_URL as $job_user (wait timeout ${wait_timeout}s)"
PATH="$job_shell_dir:$PATH" gitlab-runner run-single \
  --config "$config_file" \
  --runner "$RUNNER_NAME" \
  --max-builds 1 \
  --wait-timeout "$wait_timeout" \
  2>"$runner_log" &
runner_pid=$!
if [[ -n "$stop_signal" ]] || ((refused)); then
  abort_runner
fi

# `wait` returns early (status > 128) when a trapped signal arrives; keep waiting until the runner itself has
# exited.
while :; do
  runner_status=0
  wait "$runner_pid" || runner_status=$?
  if ! kill -0 "$runner_pid" 2>/dev/null; then
    break
  fi
done
# The watcher ends when the runner's stderr closes; give it a moment to read the last lines.
for _ in $(seq 1 100); do
  kill -0 "$watcher_pid" 2>/dev/null || break
  sleep 0.05
done
outcome="$(cat "$outcome_file" 2>/dev/null || true)"
log "gitlab-runner exited with status $runner_status${outcome:+ (outcome: $outcome)}"

if [[ -n "$stop_signal" ]]; then
  exit "$(stop_status "$stop_signal")"
fi
if ((refused)) || [[ "$outcome" == refused ]]; then
  exit "$EX_REFUSED"
fi
if ((runner_status != 0)); then
  exit "$runner_status"
fi
case "$outcome" in
  job) exit 0 ;;
  idle)
    log "no job within ${wait_timeout}s: another runner probably took the job this task was started for"
    exit "$EX_IDLE"
    ;;
esac
log "warning: could not tell from gitlab-runner's output whether it ran a job (did its messages change?);"
log "exiting 0 as if it did"
exit 0
