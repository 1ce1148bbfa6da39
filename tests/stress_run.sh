#!/usr/bin/env bash
# Proof that the suite passes as a new user runs it: a fresh clone of the committed tree, a
# new venv with pip's cache disabled, the README's test command run RUNS times in a row (3 by
# default) while a CPU-bound process keeps one core busy. Prints each run's closing line and
# then "N passed, M failed" for all runs together. Not part of CI (it takes several minutes).
#
#   bash tests/stress_run.sh            # clones this checkout's HEAD
#   RUNS=5 bash tests/stress_run.sh
set -euo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
runs=${RUNS:-3}
work=$(mktemp -d)
busy_pid=""
cleanup() {
  [ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git clone --quiet "$repo" "$work/clone"
# The README's test command, exactly as CI reads it.
command=$(sed -n '/<!-- test-command -->/,/```$/p' "$work/clone/README.md" \
  | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d')
echo "clone: $(git -C "$work/clone" rev-parse --short HEAD); command: $command" >&2

# One core kept busy for the whole stress run; bounded to 2 hours in case this script is killed.
timeout 7200 python3 -c 'while True: pass' &
busy_pid=$!

passed=0
failed=0
for i in $(seq 1 "$runs"); do
  log="$work/run$i.txt"
  set +e
  (cd "$work/clone" && PIP_NO_CACHE_DIR=1 bash -euo pipefail -c "$command") >"$log" 2>&1
  code=$?
  set -e
  summary=$(grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' "$log" | tail -n 1 || true)
  echo "run $i: exit $code: ${summary:-no pytest summary (see below)}" >&2
  # "N failed, M passed, K errors in ...": awk alone, so a count that is absent reads as 0
  p=$(awk '{for (i = 2; i <= NF; i++) if ($i ~ /^passed,?$/) s += $(i - 1)} END {print s + 0}' <<<"$summary")
  f=$(awk '{for (i = 2; i <= NF; i++) if ($i ~ /^(failed|errors?),?$/) s += $(i - 1)} END {print s + 0}' <<<"$summary")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$code" -ne 0 ]; then
    [ -z "$summary" ] && failed=$((failed + 1))
    kept=$(mktemp "${TMPDIR:-/tmp}/stress-run-$i-XXXXXX.txt")
    cp "$log" "$kept"
    grep -E '^(FAILED|ERROR) tests/' "$log" >&2 || tail -n 30 "$log" >&2
    echo "run $i's whole output: $kept" >&2
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
