#!/usr/bin/env bash
# Seeds the cargo-fuzz corpora with the fixture files, by format.
set -euo pipefail
cd "$(dirname "$0")/.."
for t in yaml properties gradle maven catalog bootlog config pipeline; do mkdir -p "fuzz/corpus/$t"; done
find fixtures -path '*/repo/*' -type f | while read -r f; do
  h=$(sha1sum "$f" | cut -c1-16)
  case "$f" in
    *.yml|*.yaml|*.json) cp "$f" "fuzz/corpus/yaml/$h" ;;
    *.properties) cp "$f" "fuzz/corpus/properties/$h" ;;
    *.gradle|*.kts) cp "$f" "fuzz/corpus/gradle/$h" ;;
    *.xml) cp "$f" "fuzz/corpus/maven/$h" ;;
    *.toml) cp "$f" "fuzz/corpus/catalog/$h"; cp "$f" "fuzz/corpus/config/$h" ;;
    *.log) cp "$f" "fuzz/corpus/bootlog/$h" ;;
  esac
done
