#!/usr/bin/env bash
# Tests runner/entrypoint.sh and runner/job-shell/bash against runner/test/fake-gitlab-runner, a stand-in for
# `gitlab-runner run-single` 17.11 that behaves like the real one in everything these tests rely on (flags and
# config file, log lines, signals, how the shell executor starts a job; its header cites the runner's source).
# Run as root: bash runner/test/entrypoint_test.sh (also run by .ci/run). Root is needed because the entrypoint
# runs as root and runs jobs as an unprivileged user (here `nobody`), which is what the tests check.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
entrypoint="$here/../entrypoint.sh"
if [[ "$(id -u)" -ne 0 ]]; then
  echo "FAIL: run the entrypoint tests as root (sudo bash $0): they check that jobs run as another user" >&2
  exit 1
fi
readonly JOB_USER=nobody
job_uid="$(id -u "$JOB_USER")" || { echo "FAIL: the test needs the user '$JOB_USER'" >&2; exit 1; }
command -v setpriv >/dev/null || { echo "FAIL: the test needs setpriv (util-linux)" >&2; exit 1; }

work="$(mktemp -d)"
main_pid=$BASHPID
cleanup() {
  [[ $BASHPID == "$main_pid" ]] || return 0
  pkill -KILL -f "$work/" 2>/dev/null || true
  rm -rf "$work"
}
# Only this shell cleans up: a forked child that a test signals before it execs would run an inherited EXIT trap.
trap cleanup EXIT
# The job user must be able to reach the directories a job uses, as in the image; nothing in them holds the token.
chmod 0755 "$work"
mkdir -p "$work/bin" "$work/home" "$work/tmp" "$work/jobs"
chown "$JOB_USER" "$work/home"
chmod 1777 "$work/tmp"
# The entrypoint refuses a job shell that anyone but root could change; a checkout made with a loose umask would be.
chmod go-w "$here/../job-shell" "$here/../job-shell/bash"
cp "$here/fake-gitlab-runner" "$work/bin/gitlab-runner"
chmod 0755 "$work/bin/gitlab-runner"

readonly URL="https://gitlab.example.com"
readonly TOKEN="glrt-test-token-0123456789"
token_sha="$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)"

# The job the fake runner runs, as the job would: it looks for the token wherever a job could, and records what it
# found (never the token itself). The token is assembled at run time so that this file does not contain it.
cat >"$work/jobs/snoop.sh" <<'JOB'
out="$FAKE_RECORD/job"
half_a='glrt-test-token-'
half_b='0123456789'
needle="$half_a$half_b"
id -u >"$out/uid"
printf '%s\n' "$HOME" >"$out/home"
printf '%s\n' "$PATH" >"$out/path"
if env | grep -qF -- "$needle"; then echo yes; else echo no; fi >"$out/env-has-token"
found=none
for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do
  if tr '\0' '\n' 2>/dev/null <"$f" | grep -qF -- "$needle"; then found="$f"; break; fi
done
echo "$found" >"$out/proc-with-token"
config=""
for f in /proc/[0-9]*/cmdline; do
  config="$(tr '\0' '\n' 2>/dev/null <"$f" | grep -A1 -x -- '--config' | sed -n 2p)" || true
  [[ -n "$config" ]] && break
done
if [[ -z "$config" ]]; then echo not-on-any-command-line
elif cat "$config" >/dev/null 2>&1; then echo readable
elif [[ -e "$config" ]]; then echo denied
else echo gone; fi >"$out/config"
grep -rlsF -D skip -- "$needle" "$FAKE_WORK" >"$out/readable-files-with-token" || true
trap 'echo TERM >>"$out/signals"; exit 143' TERM
echo started >"$out/started"
for _ in $(seq 1 300); do
  [[ -e "$FAKE_RECORD/release" ]] && break
  sleep 0.1
done
echo finished >"$out/finished"
JOB

failures=0
tests=0
failed_tests=0
current_failed=0
fail() {
  echo "FAIL: $current: $*" >&2
  failures=$((failures + 1))
  ((current_failed)) || failed_tests=$((failed_tests + 1))
  current_failed=1
}
begin() {
  current="$1"
  current_failed=0
  tests=$((tests + 1))
  record="$work/record-$tests"
  mkdir -p "$record/job"
  chmod 0777 "$record/job"
  chmod 0755 "$record"
}

# The environment a task's container gives the entrypoint, plus the fake's controls; the given VAR=value words
# are added (and may override).
base_env() {
  printf '%s\n' PATH="$work/bin:/usr/local/bin:/usr/bin:/bin" TMPDIR="$work/tmp" RUNNER_JOB_USER="$JOB_USER" \
    FAKE_RECORD="$record" FAKE_WORK="$work" FAKE_TOKEN_SHA256="$token_sha" FAKE_JOB="$work/jobs/snoop.sh"
}

# Runs the entrypoint to its end in the job user's home (as WORKDIR does in the image) with a clean environment:
# mode, then VAR=value words, then `--` and arguments. Sets $status and $output.
run_entrypoint() {
  local mode="$1"
  shift
  local vars=() args=()
  while (($# > 0)) && [[ "$1" != -- ]]; do vars+=("$1"); shift; done
  (($# > 0)) && shift && args=("$@")
  local env_words
  mapfile -t env_words < <(base_env)
  touch "$record/release" # a job run to its end does not wait to be released
  status=0
  output="$(cd "$work/home" && env -i "${env_words[@]}" FAKE_MODE="$mode" "${vars[@]}" \
    bash "$entrypoint" "${args[@]}" 2>&1)" || status=$?
}

# Starts the entrypoint in the background like ECS's init process does (own process group, default signal
# dispositions: `set -m`, without which bash would start it with SIGINT and SIGQUIT ignored); sets $pid.
start_entrypoint() {
  local mode="$1"
  shift
  local env_words
  mapfile -t env_words < <(base_env)
  set -m
  (cd "$work/home" && exec env -i "${env_words[@]}" FAKE_MODE="$mode" "$@" bash "$entrypoint" >"$record/out" 2>&1) &
  pid=$!
  set +m
}

# Waits up to $2 tenths of a second for file $1; returns whether it appeared.
await_file() {
  local i
  for ((i = 0; i < $2; i++)); do
    [[ -e "$1" ]] && return 0
    sleep 0.1
  done
  [[ -e "$1" ]]
}

# Waits for the background entrypoint to end within $1 seconds; sets $status (or fails and kills it).
await_exit() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "the entrypoint still runs after $1 s"
    pkill -KILL -f "$work/" 2>/dev/null || true
  fi
  status=0
  wait "$pid" || status=$?
}

line_of() { sed -n "/^$2=/s/^$2=//p" "$1" 2>/dev/null; }
args_of() { tr '\n' ' ' <"$record/args" | sed 's/ $//'; }

# --- the fake itself behaves like run-single -------------------------------------------------------------------

begin "the fake runner, like run-single, finishes the job on SIGQUIT and aborts it on SIGTERM"
(umask 077 && printf '[[runners]]\n  name = "glfs"\n  url = "%s"\n  token = "%s"\n  executor = "shell"\n' \
  "$URL" "$TOKEN" >"$work/tmp/fake-self-test.toml")
set -m
(cd "$work/home" && exec env -i PATH="$work/bin:/usr/bin:/bin" FAKE_RECORD="$record" FAKE_MODE=job \
  FAKE_JOB="$work/jobs/snoop.sh" FAKE_WORK="$work" RUNNER_JOB_USER="$JOB_USER" \
  gitlab-runner run-single --config "$work/tmp/fake-self-test.toml" --runner glfs --max-builds 1 \
  >"$record/out" 2>&1) &
pid=$!
set +m
await_file "$record/job/started" 100 || fail "the job never started"
kill -QUIT "$pid"
sleep 1
[[ ! -e "$record/job/signals" ]] || fail "SIGQUIT reached the job"
kill -0 "$pid" 2>/dev/null || fail "the runner exited on SIGQUIT while its job ran"
kill -TERM "$pid"
await_exit 10
[[ $status -eq 0 ]] || fail "exit status $status, want 0 (run-single returns normally after an abort)"
[[ "$(cat "$record/job/signals" 2>/dev/null)" == TERM ]] || fail "the job was not terminated"
[[ "$(cat "$record/reported" 2>/dev/null)" == "failed runner_system_failure" ]] ||
  fail "reported '$(cat "$record/reported" 2>/dev/null)', want the job failed as runner_system_failure"
grep -q "Requested quit, waiting for builds to finish" "$record/out" || fail "no 'Requested quit' line"
rm -f "$work/tmp/fake-self-test.toml"

begin "the fake runner, like run-single, aborts the job on SIGINT"
(umask 077 && printf '[[runners]]\n  name = "glfs"\n  url = "%s"\n  token = "%s"\n  executor = "shell"\n' \
  "$URL" "$TOKEN" >"$work/tmp/fake-self-test.toml")
set -m
(cd "$work/home" && exec env -i PATH="$work/bin:/usr/bin:/bin" FAKE_RECORD="$record" FAKE_MODE=job \
  FAKE_JOB="$work/jobs/snoop.sh" FAKE_WORK="$work" gitlab-runner run-single \
  --config "$work/tmp/fake-self-test.toml" --runner glfs --max-builds 1 >"$record/out" 2>&1) &
pid=$!
set +m
await_file "$record/job/started" 100 || fail "the job never started"
kill -INT "$pid"
await_exit 10
[[ "$(cat "$record/job/signals" 2>/dev/null)" == TERM ]] || fail "the job was not terminated"
[[ "$(cat "$record/reported" 2>/dev/null)" == "failed runner_system_failure" ]] ||
  fail "reported '$(cat "$record/reported" 2>/dev/null)', want the job failed as runner_system_failure"
grep -q "Requested exit: interrupt" "$record/out" || fail "no 'Requested exit: interrupt' line"
rm -f "$work/tmp/fake-self-test.toml"

begin "the fake runner, like run-single, exits at once without reporting on a second signal after SIGTERM"
(umask 077 && printf '[[runners]]\n  name = "glfs"\n  url = "%s"\n  token = "%s"\n  executor = "shell"\n' \
  "$URL" "$TOKEN" >"$work/tmp/fake-self-test.toml")
cat >"$work/jobs/stubborn.sh" <<'JOB'
trap '' TERM
echo started >"$FAKE_RECORD/job/started"
for _ in $(seq 1 100); do sleep 0.1; done
JOB
set -m
(cd "$work/home" && exec env -i PATH="$work/bin:/usr/bin:/bin" FAKE_RECORD="$record" FAKE_MODE=job \
  FAKE_JOB="$work/jobs/stubborn.sh" gitlab-runner run-single --config "$work/tmp/fake-self-test.toml" \
  --runner glfs --max-builds 1 >"$record/out" 2>&1) &
pid=$!
set +m
await_file "$record/job/started" 100 || fail "the job never started"
kill -TERM "$pid"
sleep 0.5
kill -TERM "$pid"
await_exit 10
[[ $status -eq 1 ]] || fail "exit status $status, want 1 (forced exit)"
[[ ! -e "$record/reported" ]] || fail "the job was reported although the runner was forced out"
pkill -KILL -f "$work/jobs/stubborn.sh" 2>/dev/null || true
rm -f "$work/tmp/fake-self-test.toml"

# --- refusing bad configurations -------------------------------------------------------------------------------

begin "refuses to start without URL and token, naming both, printing no token"
run_entrypoint job CI_SERVER_URL= CI_SERVER_TOKEN=
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *CI_SERVER_URL* && "$output" == *CI_SERVER_TOKEN* ]] || fail "output does not name both: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "refuses to start without the token, naming only the token"
run_entrypoint job CI_SERVER_URL="$URL"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *"missing required variable: CI_SERVER_TOKEN"* ]] || fail "output: $output"
[[ "$output" != *"missing required variable: CI_SERVER_URL"* ]] || fail "URL reported missing: $output"

begin "refuses to start with the token but no URL, without printing the token"
run_entrypoint job CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" != *"$TOKEN"* ]] || fail "token printed: $output"

begin "rejects a wait timeout that is not a whole number of seconds"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_WAIT_TIMEOUT=3m
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "rejects a URL that is not http(s)"
run_entrypoint job CI_SERVER_URL="gitlab.example.com" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"

begin "rejects a token with characters no GitLab token has, without printing it"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN='glrt-abc"def'
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" != *'glrt-abc'* ]] || fail "token printed: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "refuses to start as another user than root, because it could not keep the token from the job"
# A copy the job user can read whatever the checkout's permissions.
cp "$entrypoint" "$work/entrypoint-copy.sh"
chmod 0755 "$work/entrypoint-copy.sh"
status=0
output="$(cd "$work/home" && setpriv --reuid="$job_uid" --regid="$(id -g "$JOB_USER")" --clear-groups \
  env -i PATH="$work/bin:/usr/bin:/bin" TMPDIR="$work/tmp" RUNNER_JOB_USER="$JOB_USER" FAKE_RECORD="$record" \
  FAKE_MODE=job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" bash "$work/entrypoint-copy.sh" 2>&1)" || status=$?
rm -f "$work/entrypoint-copy.sh"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *"must start as root"* ]] || fail "output: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "refuses a job user that does not exist, and root as the job user"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_JOB_USER=glfs-no-such-user
[[ $status -eq 78 ]] || fail "unknown user: exit status $status, want 78"
[[ "$output" == *"glfs-no-such-user"* ]] || fail "unknown user not named: $output"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_JOB_USER=root
[[ $status -eq 78 ]] || fail "root job user: exit status $status, want 78"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "refuses a working directory the job user cannot write (the builds go there)"
status=0
output="$(cd "$work/tmp" && mkdir -p root-only && chmod 0700 root-only && cd root-only &&
  env -i PATH="$work/bin:/usr/bin:/bin" TMPDIR="$work/tmp" RUNNER_JOB_USER="$JOB_USER" FAKE_RECORD="$record" \
  FAKE_MODE=job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" bash "$entrypoint" 2>&1)" || status=$?
rmdir "$work/tmp/root-only"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *"not writable by $JOB_USER"* ]] || fail "output: $output"

begin "refuses extra arguments: with the token in a config file, run-single ignores runner flags"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" -- --builds-dir /tmp/builds
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *RUNNER_SETTINGS_FILE* ]] || fail "output does not point to the settings file: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "refuses a settings file that sets what the entrypoint owns (token, url, executor, shell, name)"
printf 'builds_dir = "/srv/builds"\ntoken = "glrt-other"\n' >"$work/settings-bad.toml"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_SETTINGS_FILE="$work/settings-bad.toml"
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *"token"* ]] || fail "the key is not named: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

# --- the token stays out of the job's reach --------------------------------------------------------------------

begin "passes the token in a root-only config file, never in the runner's arguments or environment"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 0 ]] || fail "exit status $status, want 0: $output"
config_path="$(sed -n '/^--config$/{n;p}' "$record/args" 2>/dev/null)"
expected="run-single --config $config_path --runner glfs --max-builds 1 --wait-timeout 60"
[[ -n "$config_path" && "$(args_of)" == "$expected" ]] || fail "arguments '$(args_of)', want '$expected'"
if grep -qF "$TOKEN" "$record/args"; then fail "token found in the runner's arguments"; fi
[[ "$(line_of "$record/config" source)" == file ]] || fail "the runner did not read its configuration from a file"
[[ "$(line_of "$record/config" token_matches)" == yes ]] || fail "the config file does not hold the token"
[[ "$(line_of "$record/config" url)" == "$URL" ]] || fail "url '$(line_of "$record/config" url)'"
[[ "$(line_of "$record/config" executor)" == shell ]] || fail "executor '$(line_of "$record/config" executor)'"
[[ "$(line_of "$record/config" shell)" == bash ]] || fail "shell '$(line_of "$record/config" shell)'"
[[ "$(cat "$record/config-perms" 2>/dev/null)" == "600 root" ]] ||
  fail "config file mode/owner '$(cat "$record/config-perms" 2>/dev/null)', want '600 root'"
[[ "$(cat "$record/config-dir-perms" 2>/dev/null)" == "700 root" ]] ||
  fail "config directory mode/owner '$(cat "$record/config-dir-perms" 2>/dev/null)', want '700 root'"
[[ "$(cat "$record/env-has-token" 2>/dev/null)" == no ]] || fail "the runner's environment holds the token"
[[ "$output" != *"$TOKEN"* ]] || fail "token found in the entrypoint's output"
[[ -z "$(ls -A "$work/tmp")" ]] || fail "left behind in TMPDIR: $(ls -A "$work/tmp")"

begin "runs the job as the job user, whose environment, processes and files do not give the token away"
start_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
await_file "$record/job/started" 150 || fail "the job never started: $(cat "$record/out")"
# While the job runs: no command line in the machine and no file under the work directory holds the token, and
# the runner process's own environment does not either.
for f in /proc/[0-9]*/cmdline; do
  if tr '\0' '\n' 2>/dev/null <"$f" | grep -qF -- "$TOKEN"; then fail "token on the command line of $f"; fi
done
with_token="$(grep -rlsF -D skip -- "$TOKEN" "$work" || true)"
[[ -z "$with_token" ]] || fail "files holding the token while the job runs: $with_token"
runner_pid="$(cat "$record/pid")"
if tr '\0' '\n' <"/proc/$runner_pid/environ" | grep -qF -- "$TOKEN"; then fail "token in the runner's environ"; fi
touch "$record/release"
await_exit 15
[[ $status -eq 0 ]] || fail "exit status $status, want 0"
[[ "$(cat "$record/job/uid" 2>/dev/null)" == "$job_uid" ]] ||
  fail "the job ran as uid '$(cat "$record/job/uid" 2>/dev/null)', want $job_uid ($JOB_USER)"
[[ "$(cat "$record/job/home" 2>/dev/null)" == "$(getent passwd "$JOB_USER" | cut -d: -f6)" ]] ||
  fail "the job's HOME is '$(cat "$record/job/home" 2>/dev/null)', not the job user's"
[[ "$(cat "$record/job/env-has-token" 2>/dev/null)" == no ]] || fail "the job's environment holds the token"
[[ "$(cat "$record/job/proc-with-token" 2>/dev/null)" == none ]] ||
  fail "the job read the token from $(cat "$record/job/proc-with-token" 2>/dev/null)"
job_config="$(cat "$record/job/config" 2>/dev/null)"
[[ "$job_config" == gone || "$job_config" == denied ]] || fail "the job found the runner's config file: $job_config"
[[ ! -s "$record/job/readable-files-with-token" ]] ||
  fail "the job could read the token in: $(cat "$record/job/readable-files-with-token")"
[[ "$(cat "$record/job/path" 2>/dev/null)" != *job-shell* ]] || fail "the job's PATH still has the job shell"
[[ "$(cat "$record/reported" 2>/dev/null)" == success ]] || fail "the job was not reported as a success"
grep -q "Checking for jobs... received" "$record/out" || fail "the runner's own log lines were not passed on"
if grep -qF -- "$TOKEN" "$record/out"; then fail "token in the task's log"; fi
[[ -z "$(ls -A "$work/tmp")" ]] || fail "left behind in TMPDIR: $(ls -A "$work/tmp")"

begin "strips a trailing newline from the token (a secret stored from a file) and says so"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"$'\n'
[[ $status -eq 0 ]] || fail "exit status $status, want 0"
[[ "$(line_of "$record/config" token_matches)" == yes ]] || fail "the runner got the token with its newline"
[[ "$output" == *"trailing newline"* ]] || fail "no warning: $output"

begin "appends the image's runner settings file to the runner's configuration"
printf 'builds_dir = "/srv/builds"\n[runners.cache]\n  Type = "s3"\n' >"$work/settings.toml"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_SETTINGS_FILE="$work/settings.toml"
[[ $status -eq 0 ]] || fail "exit status $status, want 0: $output"
grep -qx builds_dir "$record/config-keys" 2>/dev/null || fail "builds_dir not in the runner's entry"
grep -qx Type "$record/config-keys" 2>/dev/null || fail "the [runners.cache] table was not appended"
[[ "$(line_of "$record/config" token_matches)" == yes ]] || fail "the config file does not hold the token"

# --- size classes: the class's token, chosen by RUNNER_TOKEN_VARIABLE ---------------------------------------------
# The task definition carries every size class's token as its own secret variable (CI_SERVER_TOKEN_<slot>): RunTask
# overrides cannot set secrets (API_ContainerOverride has no `secrets`), so the scaler names the class's variable in
# the non-secret RUNNER_TOKEN_VARIABLE. The default token here is the class token plus one character, so that the
# job's search for the class token also finds the default one if it leaked.

begin "a size class's task registers with the class's token, and no token of any class reaches the job"
start_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="${TOKEN}x" CI_SERVER_TOKEN_2="$TOKEN" \
  CI_SERVER_TOKEN_1="${TOKEN}y" RUNNER_TOKEN_VARIABLE=CI_SERVER_TOKEN_2
await_file "$record/job/started" 150 || fail "the job never started: $(cat "$record/out")"
runner_pid="$(cat "$record/pid")"
if tr '\0' '\n' <"/proc/$runner_pid/environ" | grep -qF -- "$TOKEN"; then fail "a token in the runner's environ"; fi
touch "$record/release"
await_exit 15
[[ $status -eq 0 ]] || fail "exit status $status, want 0: $(cat "$record/out")"
[[ "$(line_of "$record/config" token_matches)" == yes ]] || fail "the runner did not get the class's token"
[[ "$(cat "$record/job/env-has-token" 2>/dev/null)" == no ]] || fail "the job's environment holds a token"
[[ "$(cat "$record/job/proc-with-token" 2>/dev/null)" == none ]] ||
  fail "the job read a token from $(cat "$record/job/proc-with-token" 2>/dev/null)"
if grep -qF -- "$TOKEN" "$record/out"; then fail "a token in the task's log"; fi

begin "without RUNNER_TOKEN_VARIABLE the environment's own token is used, even when class tokens are present"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" CI_SERVER_TOKEN_1="${TOKEN}y"
[[ $status -eq 0 ]] || fail "exit status $status, want 0: $output"
[[ "$(line_of "$record/config" token_matches)" == yes ]] || fail "the runner did not get the default token"

begin "a size class whose token variable is not set is misconfigured (78), named, and the runner is not started"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_TOKEN_VARIABLE=CI_SERVER_TOKEN_3
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *"missing required variable: CI_SERVER_TOKEN_3"* ]] || fail "output: $output"
[[ "$output" == *SizeClass3TokenSecretArn* ]] || fail "the stack parameter is not named: $output"
[[ "$output" != *"$TOKEN"* ]] || fail "token printed: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

begin "RUNNER_TOKEN_VARIABLE may only name a runner token variable"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_TOKEN_VARIABLE=CI_SERVER_URL
[[ $status -eq 78 ]] || fail "exit status $status, want 78"
[[ "$output" == *RUNNER_TOKEN_VARIABLE* ]] || fail "output: $output"
[[ ! -f "$record/args" ]] || fail "the runner was started"

# --- what a task did: exit codes -------------------------------------------------------------------------------

begin "exits 79 when no job came within the wait timeout, and passes the runner's log on"
run_entrypoint idle CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_WAIT_TIMEOUT=1
[[ $status -eq 79 ]] || fail "exit status $status, want 79"
[[ "$(args_of)" == *"--wait-timeout 1" ]] || fail "arguments '$(args_of)'"
[[ "$output" == *"This runner has not received a job in 1 seconds, so now exiting"* ]] ||
  fail "the runner's idle line is missing from the log: $output"

begin "exits 77 at once when GitLab refuses the token, instead of waiting out the runner's 300 s"
SECONDS=0
run_entrypoint forbidden CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 77 ]] || fail "exit status $status, want 77"
((SECONDS < 10)) || fail "took ${SECONDS}s"
[[ "$(cat "$record/signals" 2>/dev/null)" == TERM ]] || fail "runner got '$(cat "$record/signals" 2>/dev/null)', want one TERM"
[[ "$output" == *"Checking for jobs... forbidden"* ]] || fail "the runner's 403 line is missing from the log"
[[ "$output" == *"refused the runner token"* ]] || fail "no explanation: $output"
[[ "$output" != *"$TOKEN"* ]] || fail "token printed"

begin "exits 0 after a job"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 0 ]] || fail "exit status $status, want 0"

begin "exits with the runner's own status when the runner fails"
run_entrypoint exit:3 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 3 ]] || fail "exit status $status, want 3"

begin "exits 0 with a warning when the runner exits 0 but printed none of the known lines"
run_entrypoint exit:0 CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
[[ $status -eq 0 ]] || fail "exit status $status, want 0"
[[ "$output" == *"could not tell"* ]] || fail "no warning: $output"

begin "uses RUNNER_WAIT_TIMEOUT for --wait-timeout"
run_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN" RUNNER_WAIT_TIMEOUT=45
[[ "$(args_of)" == *"--max-builds 1 --wait-timeout 45" ]] || fail "arguments '$(args_of)'"

# --- a stop aborts the job -------------------------------------------------------------------------------------

for signal in TERM INT QUIT; do
  begin "SIG$signal to the entrypoint aborts the job: the runner gets SIGTERM once and reports the job failed"
  start_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
  await_file "$record/job/started" 150 || fail "the job never started: $(cat "$record/out")"
  kill -s "$signal" "$pid"
  await_exit 10
  want=$((128 + $(kill -l "$signal")))
  [[ $status -eq $want ]] || fail "exit status $status, want $want"
  [[ "$(cat "$record/signals" 2>/dev/null)" == TERM ]] ||
    fail "runner got signals '$(tr '\n' ' ' <"$record/signals" 2>/dev/null)', want exactly one TERM"
  [[ "$(cat "$record/job/signals" 2>/dev/null)" == TERM ]] || fail "the job was not terminated"
  [[ ! -e "$record/job/finished" ]] || fail "the job ran to its end"
  [[ "$(cat "$record/reported" 2>/dev/null)" == "failed runner_system_failure" ]] ||
    fail "reported '$(cat "$record/reported" 2>/dev/null)', want failed runner_system_failure"
done

begin "a second stop signal is not passed on (run-single would exit at once, without reporting the job)"
start_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
await_file "$record/job/started" 150 || fail "the job never started: $(cat "$record/out")"
kill -TERM "$pid"
kill -QUIT "$pid" 2>/dev/null || true
kill -TERM "$pid" 2>/dev/null || true
await_exit 10
[[ "$(cat "$record/signals" 2>/dev/null)" == TERM ]] ||
  fail "runner got signals '$(tr '\n' ' ' <"$record/signals" 2>/dev/null)', want exactly one TERM"
[[ "$(cat "$record/reported" 2>/dev/null)" == "failed runner_system_failure" ]] ||
  fail "reported '$(cat "$record/reported" 2>/dev/null)', want failed runner_system_failure"

begin "a stop while the runner waits for a job ends the task at once"
start_entrypoint idle CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
await_file "$record/pid" 100 || fail "the runner never started"
sleep 0.5
kill -QUIT "$pid"
await_exit 10
[[ $status -eq 131 ]] || fail "exit status $status, want 131"

begin "never loses a SIGTERM that arrives while the runner is being started"
lost=0
for attempt in $(seq 1 20); do
  rm -f "$record/signals" "$record/pid"
  start_entrypoint job CI_SERVER_URL="$URL" CI_SERVER_TOKEN="$TOKEN"
  # Vary the moment: immediately, or after a short random delay, so that some signals land in the window
  # between starting gitlab-runner and knowing its pid.
  sleep "0.0$((RANDOM % 9))"
  kill -TERM "$pid" 2>/dev/null || true
  # 30 s: a start and an abort take well under a second, but a loaded 2-core machine once needed more than 10.
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    lost=$((lost + 1))
    pkill -KILL -f "$work/" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  : "$attempt"
done
[[ $lost -eq 0 ]] || fail "$lost of 20 early SIGTERMs were lost (the entrypoint kept running)"
[[ -z "$(ls -A "$work/tmp")" ]] || fail "left behind in TMPDIR: $(ls -A "$work/tmp")"

echo "entrypoint tests: $tests run, $failed_tests failed ($failures failed checks)"
echo "$((tests - failed_tests)) passed, $failed_tests failed"
[[ $failures -eq 0 ]]
