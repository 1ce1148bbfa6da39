#!/usr/bin/env bash
# Proof of the lower bounds in pyproject.toml: a fresh clone of the committed tree, a new venv
# with every runtime dependency pinned at its declared floor (`>=X` becomes `==X`), and the
# suite run once. The `test` extra's agent framework needs newer releases than our floors, so
# it is left out, and so is its test file. Not part of CI (a few minutes).
#
#   bash tests/lowest_run.sh
set -euo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git clone --quiet "$repo" "$work/clone"
cd "$work/clone"
python3 - >"$work/floors.txt" <<'PY'
import re, tomllib
for spec in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]:
    floor = re.match(r"\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*)", spec)
    if floor:
        print(f"{floor[1]}=={floor[2]}")
PY
echo "floors: $(paste -sd' ' "$work/floors.txt")" >&2
python3 -m venv .venv
PIP_NO_CACHE_DIR=1 .venv/bin/pip install --quiet -e . 'pytest>=8.3' 'pytest-timeout>=2.3' \
  'hypothesis>=6.100' -c "$work/floors.txt"
.venv/bin/pip list 2>/dev/null | grep -iE "^($(cut -d= -f1 "$work/floors.txt" | paste -sd'|')) " >&2
.venv/bin/python -m pytest -q -p no:cacheprovider --ignore tests/e2e/test_agent_framework.py
