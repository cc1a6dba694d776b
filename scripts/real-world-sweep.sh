#!/usr/bin/env bash
# Re-run the real-world sweep described in docs/real-world.md.
#
# usage: scripts/real-world-sweep.sh LINTER WORKDIR [LIST]
#   LINTER   the actuator-lint binary to measure (e.g. target/release/actuator-lint)
#   WORKDIR  scratch directory: mirrors/ (bare clones), repos/ (extracted trees), out/ (JSON per repo)
#   LIST     repositories to lint, one "URL COMMIT" per line ('#' comments allowed);
#            default: scripts/real-world-repos.txt
#
# An existing WORKDIR/repos/NAME (a directory or a link to one) is used as it is.
# For each repository: a bare mirror is cloned once (git clone --mirror), the pinned commit is
# extracted with `git archive COMMIT | tar -x` (no .git, no working-tree state), the tree is
# linted with --format json (a warm-up run, then the measured one), and one TSV line is printed:
#   name exit errors warnings infos files bytes read_floor_s lint_s
# read_floor_s is the wall time of reading every file once (`cat` of all files, second run, so
# the page cache is warm as it is for the lint); lint_s is the wall time of the lint, also a
# second run. Nothing in the extracted trees is ever run, and nothing is copied into this
# repository. Needs git, tar, python3, GNU find/xargs.
set -u
linter=${1:?usage: real-world-sweep.sh LINTER WORKDIR [LIST]}
work=${2:?usage: real-world-sweep.sh LINTER WORKDIR [LIST]}
list=${3:-$(dirname "$0")/real-world-repos.txt}
mkdir -p "$work/mirrors" "$work/repos" "$work/out"

seconds() { # seconds CMD...: wall seconds of one run of CMD (output discarded)
  local start end
  start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}
read_all() { find "$1/" -type f -print0 | xargs -0 cat >/dev/null; }

printf 'name\texit\terrors\twarnings\tinfos\tfiles\tbytes\tread_floor_s\tlint_s\n'
grep -v '^[[:space:]]*\(#\|$\)' "$list" | while read -r url commit _; do
  name=$(basename "$(dirname "$url")")__$(basename "$url" .git)
  mirror=$work/mirrors/$name.git
  tree=$work/repos/$name
  if [ ! -d "$tree" ]; then
    if [ ! -d "$mirror" ]; then
      git clone --quiet --mirror "$url" "$mirror" || { echo "$name: clone failed" >&2; continue; }
    fi
    mkdir -p "$tree"
    # a commit must be pinned: the table in docs/real-world.md is only comparable at that commit
    git -C "$mirror" archive "$commit" | tar -x -C "$tree" || { echo "$name: archive failed" >&2; continue; }
  fi
  files=$(find "$tree/" -type f | wc -l)
  bytes=$(find "$tree/" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  read_all "$tree"; floor=$(seconds read_all "$tree")
  "$linter" check "$tree" --format json >/dev/null 2>&1   # warm-up, like the read floor's first run
  start=$(date +%s.%N)
  "$linter" check "$tree" --format json >"$work/out/$name.json" 2>"$work/out/$name.stderr"
  rc=$?
  end=$(date +%s.%N)
  python3 - "$work/out/$name.json" "$name" "$rc" "$files" "$bytes" "$floor" "$start" "$end" <<'PY'
import json, sys
path, name, rc, files, nbytes, floor, start, end = sys.argv[1:]
counts = {"error": 0, "warning": 0, "info": 0}
try:
    with open(path) as f:
        for d in json.load(f).get("diagnostics", []):
            counts[d["severity"]] = counts.get(d["severity"], 0) + 1
except (OSError, ValueError):
    counts = {k: "?" for k in counts}
print(f"{name}\t{rc}\t{counts['error']}\t{counts['warning']}\t{counts['info']}"
      f"\t{files}\t{nbytes}\t{floor}\t{float(end) - float(start):.2f}")
PY
done
